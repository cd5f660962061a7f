import CNCursesW
import Foundation
import TechFlunkyClient

/// The entry point of the terminal UI: `TUIApp.run(service:environment:themes:)` takes over the terminal until
/// the user quits (or a signal asks it to), and always gives the terminal back.
///
/// The loop owns the state. It reads input with a short timeout so results streamed in by effects are drawn
/// without a key press, drains the `MessageQueue` that effect tasks post to, updates the state, and draws at
/// most about 60 frames a second.
public enum TUIApp {
    public static let frameInterval: Duration = .milliseconds(16)
    public static let tickInterval: Duration = .milliseconds(100)

    public static func run(service: any MarketplaceService, environment: UIEnvironment, themes: ThemeSet) async throws {
        let outcome: Result<Void, TerminalError> = await withCheckedContinuation { continuation in
            // ncurses calls block; run them on a thread of their own, not on the cooperative pool the effects use.
            let thread = Thread {
                continuation.resume(returning: Result { try loop(service: service, environment: environment, themes: themes) }
                    .mapError { $0 as? TerminalError ?? .initialisationFailed })
            }
            thread.name = "techflunky-ui"
            thread.start()
        }
        try outcome.get()
    }

    static func loop(service: any MarketplaceService, environment: UIEnvironment, themes: ThemeSet) throws {
        let backend = NCursesBackend(noColor: environment.noColor,
                                     hyperlinks: NCursesBackend.supportsHyperlinks(ProcessInfo.processInfo.environment))
        try backend.start()
        defer { backend.stop() }
        let queue = MessageQueue()
        let runner = EffectRunner(service: service, queue: queue)
        var state = AppState(width: backend.width, height: backend.height, environment: environment, themes: themes)
        let clock = ContinuousClock()
        var lastFrame = clock.now - frameInterval
        var lastTick = clock.now
        var dirty = true
        var running = true

        func handle(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case .quit: running = false
                case let .copyToClipboard(text): backend.copyToClipboard(text)
                default: runner.run(effect)
                }
            }
        }

        handle(AppUpdate.start(&state))
        while running {
            if TerminationSignals.take() != 0 { break }  // SIGTERM, SIGHUP, SIGINT: leave through the normal path
            let now = clock.now
            if dirty, now - lastFrame >= frameInterval {
                backend.draw(AppRenderer.render(state), theme: state.themes.current)
                lastFrame = now
                dirty = false
            }
            // Wait for input briefly; shorter while a frame is due so the cap, not the timeout, sets the pace.
            let wait: Int32 = dirty ? 5 : 25
            var messages: [Message] = []
            if let first = backend.read(timeoutMs: wait) {
                messages.append(first)
                // Take everything typed ahead at once, then draw once.
                while messages.count < 64, let more = backend.read(timeoutMs: 0) { messages.append(more) }
            }
            messages += queue.drain()
            if state.wantsTicks, clock.now - lastTick >= tickInterval {
                lastTick = clock.now
                messages.append(.tick(Date()))
            }
            for message in messages where running {
                handle(AppUpdate.update(&state, message))
                dirty = true
            }
        }
    }
}
