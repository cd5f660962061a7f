import Foundation
import TechFlunkyCore

/// Runs effects on the service layer, each in its own task, and posts the result back as a message. The UI loop
/// decides what a result means (an answer to an overtaken request is dropped by the pane's request id).
public struct EffectRunner: Sendable {
    public let service: any MarketplaceService
    public let queue: MessageQueue
    /// Turns a thrown error into what the UI shows. The default reads the platform's error envelope and treats
    /// anything else as the platform being unreachable.
    public let describe: @Sendable (any Error) -> ServiceFailure

    public init(service: any MarketplaceService, queue: MessageQueue,
                describe: @escaping @Sendable (any Error) -> ServiceFailure = EffectRunner.defaultDescription) {
        self.service = service
        self.queue = queue
        self.describe = describe
    }

    public static let defaultDescription: @Sendable (any Error) -> ServiceFailure = { error in
        if let api = error as? APIErrorBody {
            return ServiceFailure(message: api.error.message, code: api.error.code)
        }
        if let failure = error as? ServiceFailure { return failure }
        return ServiceFailure(message: String(describing: error), isConnectionFailure: true)
    }

    /// Starts an effect. `.quit` and `.suspend` belong to the loop and are ignored here.
    public func run(_ effect: Effect) {
        switch effect {
        case let .request(id, request):
            let service = service, queue = queue, describe = describe
            Task.detached {
                let result: Result<ServiceResponse, ServiceFailure>
                do {
                    result = .success(try await EffectRunner.perform(request, on: service))
                } catch {
                    result = .failure(describe(error))
                }
                queue.post(.response(id, result))
            }
        case let .timer(id, delay):
            let queue = queue
            Task.detached {
                try? await Task.sleep(for: delay)
                queue.post(.timerFired(id))
            }
        case .quit, .suspend:
            break
        }
    }

    public static func perform(_ request: ServiceRequest, on service: any MarketplaceService) async throws -> ServiceResponse {
        switch request {
        case .me: .me(try await service.me())
        case let .listings(query): .listings(try await service.listings(query))
        case let .listing(slug): .listing(try await service.listing(slug: slug))
        case .categories: .categories(try await service.categories())
        }
    }
}
