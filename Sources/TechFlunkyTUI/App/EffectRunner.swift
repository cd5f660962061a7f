import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// Runs effects on the service layer (`MarketplaceService`, in Client: `PlatformClient` in the binary), each in its
/// own task, and posts the result back as a message. The UI loop decides what a result means (an answer to an
/// overtaken request is dropped by the pane's request id). What a failure shows is `ServiceFailure.init(_:)`'s
/// business, in Client; this runner only carries it.
public struct EffectRunner: Sendable {
    public let service: any MarketplaceService
    public let queue: MessageQueue
    /// Running subscriptions, so `unsubscribe` can cancel them.
    public let subscriptions = SubscriptionTasks()

    public init(service: any MarketplaceService, queue: MessageQueue) {
        self.service = service
        self.queue = queue
    }

    /// Starts an effect. `.quit` belongs to the loop and is ignored here.
    public func run(_ effect: Effect) {
        switch effect {
        case let .request(id, request):
            let service = service, queue = queue
            Task.detached {
                queue.post(.response(id, await EffectRunner.perform(request, on: service)))
            }
        case let .timer(id, delay):
            let queue = queue
            Task.detached {
                try? await Task.sleep(for: delay)
                queue.post(.timerFired(id))
            }
        case let .subscribe(id, subscription):
            let service = service, queue = queue, tasks = subscriptions
            tasks.start(id, Task.detached {
                switch subscription {
                case let .deploymentEvents(deploymentId, after):
                    do {
                        for try await update in service.deploymentUpdates(id: deploymentId, after: after) {
                            queue.post(.subscription(id, .deployment(update)))
                        }
                        if !Task.isCancelled { queue.post(.subscription(id, .finished)) }
                    } catch {
                        if !Task.isCancelled { queue.post(.subscription(id, .failed(ServiceFailure(error)))) }
                    }
                case let .notifications(after):
                    do {
                        for try await update in service.notificationUpdates(after: after) {
                            queue.post(.subscription(id, .notifications(update)))
                        }
                        if !Task.isCancelled { queue.post(.subscription(id, .finished)) }
                    } catch {
                        if !Task.isCancelled { queue.post(.subscription(id, .failed(ServiceFailure(error)))) }
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

    /// One request's answer as the message carries it.
    public static func perform(_ request: ServiceRequest, on service: any MarketplaceService) async -> Result<ServiceResponse, ServiceFailure> {
        do {
            return .success(try await service.perform(request))
        } catch {
            return .failure(ServiceFailure(error))
        }
    }
}
