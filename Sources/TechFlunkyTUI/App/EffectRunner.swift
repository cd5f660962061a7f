import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// Runs effects on the service layer, each in its own task, and posts the result back as a message. The UI loop
/// decides what a result means (an answer to an overtaken request is dropped by the pane's request id).
public struct EffectRunner: Sendable {
    public let service: any MarketplaceService
    public let queue: MessageQueue
    /// Running subscriptions, so `unsubscribe` can cancel them.
    public let subscriptions = SubscriptionTasks()
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
        if let client = error as? ClientError {
            switch client {
            case .cannotReach, .timedOut:
                return ServiceFailure(message: client.description, isConnectionFailure: true)
            case let .transport(http):
                _ = http
                return ServiceFailure(message: client.description, isConnectionFailure: client.isTransient)
            default:
                return ServiceFailure(message: client.description, code: client.apiCode)
            }
        }
        return ServiceFailure(message: String(describing: error), isConnectionFailure: true)
    }

    /// Starts an effect. `.quit` belongs to the loop and is ignored here.
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
        case let .subscribe(id, subscription):
            let service = service, queue = queue, describe = describe, tasks = subscriptions
            tasks.start(id, Task.detached {
                switch subscription {
                case let .deploymentEvents(deploymentId, after):
                    do {
                        for try await update in service.deploymentUpdates(id: deploymentId, after: after) {
                            queue.post(.subscription(id, .deployment(update)))
                        }
                        if !Task.isCancelled { queue.post(.subscription(id, .finished)) }
                    } catch {
                        if !Task.isCancelled { queue.post(.subscription(id, .failed(describe(error)))) }
                    }
                }
                tasks.finished(id)
            })
        case let .unsubscribe(id):
            subscriptions.cancel(id)
        case .quit, .copyToClipboard:
            break  // the UI loop does these itself
        }
    }

    public static func perform(_ request: ServiceRequest, on service: any MarketplaceService) async throws -> ServiceResponse {
        switch request {
        case .me: .me(try await service.me())
        case let .listings(query): .listings(try await service.listings(query))
        case let .listing(slug): .listing(try await service.listing(slug: slug))
        case .categories: .categories(try await service.categories())
        case let .createCheckoutSession(slug, key):
            .checkoutSession(try await service.createCheckoutSession(listingSlug: slug, idempotencyKey: key))
        case let .order(id): .order(try await service.order(id: id))
        case .orders: .orders(try await service.orders())
        case let .deploy(request): .deployAccepted(try await service.deploy(request))
        case let .deployment(id): .deployment(try await service.deployment(id: id))
        case let .retryDeployment(id, credentials):
            .deployAccepted(try await service.retryDeployment(id: id, credentials: credentials))
        case let .retryDeploymentCorrected(id, credentials, domain):
            .deployAccepted(try await service.retryDeployment(id: id, credentials: credentials, domain: domain))
        case let .rollbackDeployment(id, credentials):
            .deployAccepted(try await service.rollbackDeployment(id: id, credentials: credentials))
        case let .revealDeploymentSecrets(id): .generatedSecrets(try await service.revealDeploymentSecrets(id: id))
        case .sellerAccount: .sellerAccount(try await service.sellerAccount())
        case .createSellerAccount: .sellerAccount(try await service.createSellerAccount())
        case .payouts: .payouts(try await service.payouts())
        case let .sandboxPay(orderId): try await service.sandboxPayAnswer(orderId: orderId)
        case let .advanceSandboxClock(seconds): .sandboxClock(try await service.advanceSandboxClock(seconds: seconds))
        }
    }
}
