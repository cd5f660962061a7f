import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// The UI's `MarketplaceService` on the local sandbox daemon: a `PlatformClient` signed in as the demo account,
/// which finds the daemon again when it stops answering — restarted elsewhere on another port, or started
/// anew by the launcher (the UI's `r` after `techflunky sandbox stop`, or after the daemon's idle exit) — and
/// answers the request from there, so the header's `✕ offline` clears by itself.
///
/// While a UI is open it asks the daemon's health once a minute, which counts as a request: an open UI
/// keeps the daemon from its idle exit, as an attached client keeps a tmux server.
final class LocalSandboxService: MarketplaceService, @unchecked Sendable {
    // @unchecked: `client` is only read and replaced under `lock`; PlatformClient is itself thread-safe.
    private let lock = NSLock()
    private var client: PlatformClient
    private let launcher: SandboxLauncher

    private init(client: PlatformClient, launcher: SandboxLauncher) {
        self.client = client
        self.launcher = launcher
    }

    /// Connects to the daemon `state` describes and signs the demo account in.
    static func connect(_ state: LocalSandboxState, launcher: SandboxLauncher) async throws -> LocalSandboxService {
        let client = PlatformClient(baseURL: state.apiURL)
        try await EmbeddedMarketplace.signInDemo(client)
        return LocalSandboxService(client: client, launcher: launcher)
    }

    var current: PlatformClient { lock.withLock { client } }

    func perform(_ request: ServiceRequest) async throws -> ServiceResponse {
        let used = current
        do {
            return try await used.perform(request)
        } catch let failure as ServiceFailure where failure.isConnectionFailure {
            guard let fresh = await reconnect(replacing: used) else { throw failure }
            return try await fresh.perform(request)
        }
    }

    func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error> {
        current.deploymentUpdates(id: id, after: after)
    }

    func notificationUpdates(after: Int) -> AsyncThrowingStream<NotificationStreamUpdate, any Error> {
        current.notificationUpdates(after: after)
    }

    /// A client on the daemon that runs now (started if none does), signed in; nil if there is none to be had.
    private func reconnect(replacing used: PlatformClient) async -> PlatformClient? {
        let now = current
        if now !== used { return now }  // another request reconnected meanwhile
        guard let state = try? await launcher.ensureRunning() else { return nil }
        let fresh = PlatformClient(baseURL: state.apiURL)
        guard (try? await EmbeddedMarketplace.signInDemo(fresh)) != nil else { return nil }
        lock.withLock { client = fresh }
        return fresh
    }

    /// Pings the daemon every `interval` while the UI is open (and reaps a daemon this process started that
    /// has exited). Cancel the task when the UI closes.
    func keepAlive(every interval: Duration = .seconds(60)) -> Task<Void, Never> {
        Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                _ = try? await self.current.health()
                SandboxLauncher.reapExitedChildren()
            }
        }
    }
}
