import Foundation
import Hummingbird

/// `/sandbox/faults` and `/sandbox/clock`: control of the stand-ins for tests and demos.
struct SandboxControlRoutes: Sendable {
    let faults: FaultInjector
    let clock: MovableClock

    func register(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/faults") { request, _ in
            let data = try await ResponseBuilding.body(request)
            guard let fault = try? JSONDecoder().decode(SandboxFault.self, from: data), !fault.match.isEmpty else {
                return ResponseBuilding.json(400, ["error": ["message": "body must be {\"match\": \"METHOD /path/*\", \"status\": 500, \"code\": 10013, \"times\": 1, \"delayMs\": 0}"]])
            }
            let id = self.faults.add(fault)
            return ResponseBuilding.json(201, ["id": .int(Int64(id))])
        }
        router.get("/sandbox/faults") { _, _ in
            let list: [JSONValue] = self.faults.active.map { entry in
                ["id": .int(Int64(entry.id)), "match": .string(entry.fault.match), "status": .from(entry.fault.status.map(Int64.init)),
                 "code": .from(entry.fault.code.map(Int64.init)), "remaining": .from(entry.remaining.map(Int64.init)),
                 "hits": .int(Int64(entry.hits))]
            }
            return ResponseBuilding.json(200, ["data": .array(list)])
        }
        router.delete("/sandbox/faults") { _, _ in
            self.faults.clear()
            return ResponseBuilding.json(200, ["data": []])
        }
        router.post("/sandbox/clock/advance") { request, _ in
            let body = try await ResponseBuilding.jsonBody(request) ?? [:]
            guard let seconds = body["seconds"]?.intValue, seconds >= 0 else {
                return ResponseBuilding.json(400, ["error": ["message": "body must be {\"seconds\": N} with N ≥ 0"]])
            }
            self.clock.advance(by: TimeInterval(seconds))
            return ResponseBuilding.json(200, ["now": .int(self.clock.unixTime)])
        }
        router.get("/sandbox/health") { _, _ in ResponseBuilding.json(200, ["ok": true]) }
    }
}
