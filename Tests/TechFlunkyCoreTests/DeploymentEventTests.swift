import Foundation
import XCTest
@testable import TechFlunkyCore

final class DeploymentEventTests: XCTestCase {
    func testOnlyAFinalDeploymentStateEndsTheStream() {
        func event(_ kind: DeploymentEvent.Kind, _ state: DeploymentState?) -> DeploymentEvent {
            DeploymentEvent(seq: 1, deploymentId: "dep", kind: kind, at: Fixtures.date, state: state)
        }
        for state in DeploymentState.allCases {
            let expected = [.succeeded, .failed, .interrupted, .rolledBack].contains(state)
            XCTAssertEqual(event(.deployment, state).isFinal, expected, "\(state)")
            XCTAssertFalse(event(.step, state).isFinal, "a step event is never final")
        }
        XCTAssertFalse(event(.log, nil).isFinal)
        XCTAssertFalse(event(.deployment, nil).isFinal)
    }

    func testWireShapeOfAStepEvent() throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: WireJSON.encode(Fixtures.event)) as? [String: Any])
        XCTAssertEqual(object["seq"] as? Int, 7)
        XCTAssertEqual(object["kind"] as? String, "step")
        XCTAssertEqual(object["step"] as? String, "create_databases")
        XCTAssertEqual(object["stepState"] as? String, "failed")
        XCTAssertEqual(object["errorCode"] as? Int, 7500)
        XCTAssertNil(object["state"], "absent optionals are left out, not null")
    }

    func testResourceEventRoundTrips() throws {
        let event = DeploymentEvent(seq: 3, deploymentId: "dep", kind: .resource, at: Fixtures.date, step: .createDatabases,
                                    resource: Fixtures.resource)
        XCTAssertEqual(try WireJSON.decode(DeploymentEvent.self, from: WireJSON.encode(event)), event)
    }

    func testUnknownKindIsADecodingError() {
        let json = #"{"seq":1,"deploymentId":"d","kind":"explosion","at":"2026-01-01T00:00:00Z"}"#
        XCTAssertThrowsError(try WireJSON.decode(DeploymentEvent.self, from: Data(json.utf8)))
    }

    func testSSEFrameCarriesSeqKindAndJSONAndParsesBack() throws {
        let frame = try DeploymentEvent.sseFrame(Fixtures.event)
        XCTAssertEqual(frame.id, "7")
        XCTAssertEqual(frame.event, "step")
        var parser = SSEParser()
        let frames = parser.feed(SSEEncoder.encode(frame))
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(try DeploymentEvent(sseFrame: try XCTUnwrap(frames.first)), Fixtures.event)
        XCTAssertEqual(parser.lastEventId, "7")
    }

    func testStepNumbersRunOneToNine() {
        XCTAssertEqual(DeploymentStepKind.allCases.map(\.number), Array(1...9))
        XCTAssertEqual(DeploymentStepKind.allCases.first, .verifyCredentials)
        XCTAssertEqual(DeploymentStepKind.allCases.last, .postDeploy)
        XCTAssertLessThan(DeploymentStepKind.createDatabases.number, DeploymentStepKind.uploadWorkers.number)
        XCTAssertLessThan(DeploymentStepKind.createBuckets.number, DeploymentStepKind.uploadWorkers.number)
    }
}
