import Foundation
import Hummingbird
import NIOCore
import TechFlunkyCore

/// `/api/deploy…`: start a deployment (202 at once), its snapshot, its live event stream (SSE), and
/// retry / rollback. Only the order's buyer sees or drives a deployment; anyone else gets 404.
enum DeploymentRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        // Built once by PlatformServices; `PlatformServer` runs restart recovery before it accepts requests.
        let service = services.deployments

        api.post("deploy") { request, context -> EditedResponse<DeployAccepted> in
            let account = try context.requireAccount()
            let body = try await decode(DeployRequest.self, request, context)
            let deployment = try await run { try await service.orchestrator.start(body, buyerId: account.id) }
            return EditedResponse(status: .accepted, headers: [.location: "/api/deploy?deploymentId=\(deployment.id)"],
                                  response: DeployAccepted(deploymentId: deployment.id, state: deployment.state))
        }

        api.get("deploy") { request, context -> Deployment in
            let account = try context.requireAccount()
            guard let id = request.uri.queryParameters.get("deploymentId"), !id.isEmpty else {
                throw PlatformError.badRequest("give the deployment id: GET /api/deploy?deploymentId=dep_…", field: "deploymentId")
            }
            return try await run { try await service.orchestrator.deployment(id: id, buyerId: account.id) }
        }

        api.get("deploy/:id/events") { request, context -> Response in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let after = try lastEventId(request)
            // Ownership is checked once, here; the stream itself reads only the log (at connect) and, once per
            // deployment, whether a final event was the end.
            _ = try await run { try await service.orchestrator.deployment(id: id, buyerId: account.id) }
            let connection = ChannelSSEOutput.connection(of: context)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                          HTTPFields.Element.Name("X-Accel-Buffering")!: "no"],
                body: ResponseBody { writer in
                    services.metrics.sseWatchers(change: 1)
                    defer { services.metrics.sseWatchers(change: -1) }
                    guard let channel = connection else {
                        for await chunk in service.events.frames(deploymentId: id, after: after) {
                            try await writer.write(ByteBuffer(string: chunk))
                        }
                        try await writer.finish(nil)
                        return
                    }
                    // Events go onto the connection straight from the hub (see `ChannelSSEOutput`); this task only
                    // waits for the end, or for the client to go (the channel closing cancels the stream).
                    let output = try await ChannelSSEOutput(channel: channel)
                    let watcher = Task { await service.events.stream(deploymentId: id, after: after, to: output) }
                    channel.closeFuture.whenComplete { _ in watcher.cancel() }
                    await withTaskCancellationHandler { await watcher.value } onCancel: { watcher.cancel() }
                    guard channel.isActive else { return }
                    try await writer.finish(nil)
                })
        }

        api.post("deploy/:id/retry") { request, context -> EditedResponse<DeployAccepted> in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let body = try await decode(DeployCredentialsRequest.self, request, context)
            let deployment = try await run {
                try await service.orchestrator.retry(deploymentId: id, buyerId: account.id, credentials: body.cloudflare, domain: body.domain)
            }
            return EditedResponse(status: .accepted, response: DeployAccepted(deploymentId: deployment.id, state: .running))
        }

        // The listing's newer package version over a live deployment: a deployment of its own, 202 at once.
        api.post("deploy/:id/update") { request, context -> EditedResponse<DeployAccepted> in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let body = try await decode(DeployUpdateRequest.self, request, context)
            let deployment = try await run { try await service.orchestrator.update(deploymentId: id, buyerId: account.id, credentials: body.cloudflare) }
            return EditedResponse(status: .accepted, headers: [.location: "/api/deploy?deploymentId=\(deployment.id)"],
                                  response: DeployAccepted(deploymentId: deployment.id, state: deployment.state))
        }

        // Generated secrets (admin password, signing keys): shown once, then the platform holds them nowhere.
        api.post("deploy/:id/secrets") { _, context -> GeneratedSecrets in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let taken = try await run { try await service.orchestrator.revealSecrets(deploymentId: id, buyerId: account.id) }
            switch taken {
            case let .secrets(secrets):
                return GeneratedSecrets(secrets: secrets, note: "Store these now (a password manager): they are not shown again and the platform keeps no copy.")
            case .none:
                return GeneratedSecrets(secrets: [], note: "This deployment generated no secrets.")
            case .gone:
                throw PlatformError(.gone, code: "secrets_gone",
                                    message: "The generated secrets were shown once and are not kept. Set new values in the Cloudflare dashboard (Workers & Pages → the Worker → Settings → Variables and Secrets).")
            }
        }

        api.post("deploy/:id/rollback") { request, context -> EditedResponse<DeployAccepted> in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let body = try await decode(DeployCredentialsRequest.self, request, context)
            let deployment = try await run {
                try await service.orchestrator.rollback(deploymentId: id, buyerId: account.id, credentials: body.cloudflare)
            }
            return EditedResponse(status: .accepted, response: DeployAccepted(deploymentId: deployment.id, state: .rollingBack))
        }
    }

    /// Decodes a JSON body; a malformed one is a 400 that names the problem (never echoing the token).
    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: PlatformRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try WireJSON.decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, ctx) {
            let path = (ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw PlatformError.badRequest("the request body lacks `\(path)`", field: path)
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw PlatformError.badRequest("`\(path)` has the wrong type", field: path)
        } catch {
            throw PlatformError.badRequest("the request body is not valid JSON")
        }
    }

    /// Runs an orchestrator call, turning its refusals into API errors.
    /// Where a stream resumes: `Last-Event-ID` (or `lastEventId` in the query; the header wins), digits only. Anything
    /// else is a 400: replaying the whole stream to a client that asked for "after X" would repeat every event.
    static func lastEventId(_ request: Request) throws -> Int {
        let header = request.headers[HTTPFields.Element.Name("Last-Event-ID")!]
        let field = header != nil ? "Last-Event-ID" : "lastEventId"
        guard let raw = header ?? request.uri.queryParameters.get("lastEventId") else { return 0 }
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw PlatformError.badRequest("`\(field)` must be the number of the last event received (digits only)", field: field)
        }
        // Any number past the largest a stream can reach (Int's range included) names a point after every event
        // there is; capped so that arithmetic on sequence numbers cannot overflow.
        return min(Int(text) ?? maxEventId, maxEventId)
    }

    /// Beyond any deployment's event count (2^53, as JSON numbers stay exact), far below Int.max.
    static let maxEventId = 1 << 53

    private static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DeploymentError {
            throw platformError(error)
        }
    }

    static func platformError(_ error: DeploymentError) -> PlatformError {
        switch error {
        case .notFound: .notFound(error.description)
        case .orderNotPaid: .conflict(error.description, code: APIErrorCode.notPaid)
        case let .invalidRequest(field, message): .validation(message, field: field)
        case .busy, .wrongState, .orderBusy, .supersededUpdate: .conflict(error.description)
        case .accountMismatch: .conflict(error.description, field: "cloudflare.accountId")
        case .packageUnavailable: .conflict(error.description)
        }
    }
}
