import Foundation
import TechFlunkyCore
import TechFlunkyClient
import TechFlunkyText

/// A deployment, live: the nine steps with state icons, a spinner on the running step and each step's elapsed
/// time, an overall progress bar, the log of the selected step, and a failure's message and Cloudflare code.
/// `r` retries and `x` rolls back (after a confirmation), both asking for the API token again; `d` (or Esc)
/// detaches — the deployment runs on, and the Orders tab or another terminal can attach again.
///
/// It loads the snapshot first and then follows the event stream from the snapshot's last event, through the
/// client's reconnecting stream; `DeployProgressModel` applies each event once and in order, so every step shows
/// once. While the platform is unreachable the title says "reconnecting…".
public struct DeployProgressPane: Pane {
    public enum Action: Sendable, Hashable {
        case up, down, retry, rollback, detach, confirmRollback, confirmLeave, cancelPrompt, submitToken, useSandboxToken, copy, copyURL, correct
    }

    /// What the token prompt is for.
    public enum TokenPurpose: Sendable, Hashable { case retry, rollback }

    /// A modal over the steps.
    public enum Prompt: Sendable, Hashable {
        case confirmRollback
        /// Leaving while the generated secrets are on screen: they are not shown again.
        case confirmLeave
        case token(TokenPurpose, TextInput, problem: String?)
    }

    /// The event stream's health, for the indicator.
    public enum StreamState: Sendable, Hashable {
        case idle, connecting, live
        case reconnecting(String)
        case failed(String)
    }

    public let kind = PaneKind.deploy
    public let listingTitle: String
    public private(set) var model: DeployProgressModel
    public private(set) var stream: StreamState = .idle
    public private(set) var prompt: Prompt?
    /// A refused retry or rollback, or a failed snapshot load.
    public private(set) var notice: String?
    /// The step whose log is shown; nil follows the running (or failed) step.
    public private(set) var selectedStep: DeploymentStepKind?
    public private(set) var subscription: SubscriptionID?
    var snapshotRequest: RequestID?
    var actionRequest: RequestID?
    /// Whether this pane watched the run going (not only its history): only then does it fetch the secrets
    /// the run generated, which the platform hands over once.
    var watchedRunning = false
    var secretsRequest: RequestID?
    var secretsRequested = false
    /// The secrets the deployment generated, shown once in this pane and kept nowhere else.
    public private(set) var generatedSecrets: [GeneratedSecret] = []
    /// `y` copied them: leaving no longer asks.
    var secretsCopied = false
    var resubscribeTimer: TimerID?
    /// The embedded sandbox's demo token, offered (Ctrl-T) when this deployment went into its demo account.
    var sandboxDemo: CloudflareCredentials?
    var sandboxToken: String? {
        guard let demo = sandboxDemo, demo.accountId == model.accountId else { return nil }
        return demo.apiToken.secretValue
    }

    public init(deploymentId: String, listingTitle: String, initialState: DeploymentState? = nil) {
        self.listingTitle = listingTitle
        model = DeployProgressModel(deploymentId: deploymentId)
        model.state = initialState
        // Opened on a run still going (the deploy form's new deployment, or a running one from Orders): this pane
        // watches it go, even if it ends before the first snapshot arrives (the instant sandbox finishes in ~1 s).
        if let initialState, !initialState.isFinal { watchedRunning = true }
    }

    /// Asks for the generated secrets once, when a run this pane watched has gone live.
    mutating func revealSecretsIfLive(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard model.state == .succeeded, watchedRunning, !secretsRequested else { return [] }
        secretsRequested = true
        let id = ctx.newRequestID()
        secretsRequest = id
        return [.request(id, .revealDeploymentSecrets(id: model.deploymentId))]
    }

    public var deploymentId: String { model.deploymentId }
    public var title: String { "Deployment" }
    public var capturesText: Bool { if case .token = prompt { true } else { false } }
    public var isAnimating: Bool {
        switch model.state {
        case .queued?, .running?, .provisioned?, .rollingBack?, nil: true
        default: actionRequest != nil
        }
    }

    public var quitWarning: String? {
        if !generatedSecrets.isEmpty, !secretsCopied { return "the generated secrets on screen are not shown again (store them first)" }
        switch model.state {
        case .queued?, .running?, .provisioned?, .rollingBack?:
            return "a deployment is being followed (it goes on without this window; re-attach from Orders)"
        default: return nil
        }
    }

    var canRetry: Bool { model.state == .failed || model.state == .interrupted }
    /// Whether a retry may change the account or domain: nothing of a custom domain made yet (the platform
    /// refuses otherwise, and says to roll back).
    var canCorrect: Bool {
        canRetry && !model.resources.contains { ["worker_domain", "dns_record", "custom_hostname"].contains($0.kind) && $0.created }
    }
    var canRollBack: Bool { [.failed, .interrupted, .succeeded].contains(model.state) }

    public func keyMap() -> [KeyBinding<Action>] {
        switch prompt {
        case .confirmRollback:
            return [KeyBinding([.char("y")], "yes, roll back", .confirmRollback),
                    KeyBinding([.char("n"), .escape, .char("q")], "no", .cancelPrompt)]
        case .confirmLeave:
            return [KeyBinding([.enter, .char("l")], "leave", .confirmLeave),
                    KeyBinding([.char("y")], "copy secrets", .copy),
                    KeyBinding([.escape, .char("n")], "stay", .cancelPrompt)]
        case .token:
            return [KeyBinding([.enter], "send", .submitToken), KeyBinding([.escape], "cancel", .cancelPrompt),
                    KeyBinding([.ctrl("t")], "use the sandbox demo token", .useSandboxToken, footer: sandboxToken != nil,
                               disabled: sandboxToken == nil ? "only for the embedded sandbox's demo account" : nil)]
        case nil:
            let busy: String? = actionRequest != nil ? "waiting for the platform" : nil
            return [
                KeyBinding([.up, .char("k")], "previous step", .up, footer: false),
                KeyBinding([.down, .char("j")], "next step", .down, footer: false),
                KeyBinding([.char("r")], "retry", .retry,
                           disabled: busy ?? (canRetry ? nil : "only a failed or interrupted deployment can be retried")),
                KeyBinding([.char("x")], "roll back", .rollback,
                           disabled: busy ?? (canRollBack ? nil : "roll back once the deployment has stopped")),
                KeyBinding([.char("d")], "detach", .detach),
                KeyBinding([.char("e")], "retry with another account or domain", .correct, footer: canCorrect,
                           disabled: canCorrect ? nil : "only a failed deployment that created nothing in the domain can be corrected"),
                KeyBinding([.char("y")], generatedSecrets.isEmpty ? "copy URL" : "copy secrets", .copy,
                           disabled: generatedSecrets.isEmpty && model.url == nil ? "no URL yet" : nil),
                // While `y` copies the secrets, the live URL is still one key away (OSC 52 as well).
                KeyBinding([.char("u")], "copy URL", .copyURL, footer: false, disabled: model.url == nil ? "no URL yet" : nil),
                // Leaving by Esc or q detaches too, so the stream stops with the pane (the footer's "back" says it).
                KeyBinding([.escape, .char("q")], "back (detach)", .detach, footer: false),
            ]
        }
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        sandboxDemo = ctx.environment.sandboxCloudflare
        stream = .connecting
        return loadSnapshot(&ctx)
    }

    mutating func loadSnapshot(_ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        snapshotRequest = id
        return [.request(id, .deployment(id: model.deploymentId))]
    }

    /// Follows the stream from the newest event we have, unless already following or the deployment stopped.
    mutating func follow(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard subscription == nil else { return [] }
        if let state = model.state, state.isFinal {
            stream = .idle
            return []
        }
        let id = ctx.newSubscriptionID()
        subscription = id
        if stream != .live { stream = .connecting }
        return [.subscribe(id, .deploymentEvents(deploymentId: model.deploymentId, after: model.lastEventId))]
    }

    mutating func stopFollowing() -> [PaneCommand] {
        guard let id = subscription else { return [] }
        subscription = nil
        return [.unsubscribe(id)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch action {
        case .correct:
            guard canCorrect, let accountId = model.accountId else { return [] }
            return [.push(DeployFormPane(retrying: model.deploymentId, orderId: model.orderId ?? "", listingTitle: listingTitle,
                                         listingSlug: model.listingSlug ?? "", accountId: accountId, domain: model.domain))]
        case .copy:
            if !generatedSecrets.isEmpty {
                secretsCopied = true
                if prompt == .confirmLeave { prompt = nil }
                return [.copy(generatedSecrets.map { "\($0.worker)/\($0.name)=\($0.value)" }.joined(separator: "\n"))]
            }
            return model.url.map { [.copy($0)] } ?? []
        case .copyURL:
            return model.url.map { [.copy(TextSanitizer.line($0))] } ?? []
        case .up, .down:
            let current = (selectedStep ?? model.focusStep).number - 1
            let next = min(max(0, current + (action == .up ? -1 : 1)), DeploymentStepKind.allCases.count - 1)
            selectedStep = DeploymentStepKind.allCases[next]
        case .retry:
            guard canRetry, actionRequest == nil else { return [] }
            prompt = .token(.retry, DeployProgressPane.tokenInput(), problem: nil)
        case .rollback:
            guard canRollBack, actionRequest == nil else { return [] }
            prompt = .confirmRollback
        case .confirmRollback:
            prompt = .token(.rollback, DeployProgressPane.tokenInput(), problem: nil)
        case .confirmLeave:
            prompt = nil
            return stopFollowing() + [.status(.info("Detached; the deployment goes on. Watch it again from the Orders tab (2).")), .pop]
        case .cancelPrompt:
            prompt = nil
        case .useSandboxToken:
            guard case let .token(purpose, _, _) = prompt, let token = sandboxToken else { return [] }
            prompt = .token(purpose, TextInput(text: token, masked: true, maxLength: 256), problem: nil)
            return perform(.submitToken, &ctx)
        case .submitToken:
            guard case let .token(purpose, input, _) = prompt else { return [] }
            switch DeployRequestValidator.apiToken(input.text) {
            case let .failure(problem):
                prompt = .token(purpose, input, problem: problem.message)
                return []
            case let .success(token):
                guard let accountId = model.accountId else {
                    prompt = nil
                    notice = "The deployment has not loaded yet; try again in a moment."
                    return []
                }
                // The token leaves the pane with the request; the prompt (and its text) is gone.
                prompt = nil
                notice = nil
                let credentials = CloudflareCredentials(accountId: accountId, apiToken: token)
                let id = ctx.newRequestID()
                actionRequest = id
                let request: ServiceRequest = purpose == .retry
                    ? .retryDeployment(id: model.deploymentId, credentials: credentials)
                    : .rollbackDeployment(id: model.deploymentId, credentials: credentials)
                return [.request(id, request)]
            }
        case .detach:
            // Leaving drops the generated secrets for good (the platform keeps no copy): ask first, as quitting does.
            if !generatedSecrets.isEmpty, !secretsCopied {
                prompt = .confirmLeave
                return []
            }
            return stopFollowing() + [.status(.info("Detached; the deployment goes on. Watch it again from the Orders tab (2).")), .pop]
        }
        return []
    }

    static func tokenInput() -> TextInput { TextInput(masked: true, placeholder: "Cloudflare API token", maxLength: 256) }

    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        guard case .token(let purpose, var input, _) = prompt else { return nil }
        guard input.handle(key) else { return nil }
        prompt = .token(purpose, input, problem: nil)
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == snapshotRequest:
            snapshotRequest = nil
            switch result {
            case let .success(.deployment(snapshot)):
                model.apply(snapshot: snapshot)
                notice = nil
                if !snapshot.state.isFinal { watchedRunning = true }
                return follow(&ctx) + revealSecretsIfLive(&ctx)
            case let .failure(failure):
                notice = "Could not load the deployment: \(failure.message)"
                return failure.isConnectionFailure ? scheduleResubscribe(&ctx) : []
            case .success:
                return []
            }
        case let .response(id, result) where id == actionRequest:
            actionRequest = nil
            switch result {
            case let .success(.deployAccepted(accepted)):
                // Retry or rollback accepted: the stream (ended at the last final state) picks up again.
                if model.state?.isFinal == true { model.state = accepted.state }
                // This pane started the new run: it watches it go.
                watchedRunning = true
                return follow(&ctx)
            case let .failure(failure):
                notice = "The platform refused: \(failure.message)"
            case .success:
                break
            }
            return []
        case let .response(id, result) where id == secretsRequest:
            secretsRequest = nil
            if case let .success(.generatedSecrets(answer)) = result { generatedSecrets = answer.secrets }
            return []
        case let .subscription(id, update) where id == subscription:
            return receive(update, &ctx)
        case let .timerFired(id) where id == resubscribeTimer:
            resubscribeTimer = nil
            return model.isLoaded ? follow(&ctx) : loadSnapshot(&ctx)
        default:
            return []
        }
    }

    mutating func receive(_ update: SubscriptionUpdate, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch update {
        case let .deployment(.event(event)):
            stream = .live
            if case .gap = model.apply(event) {
                // Never skip: start again from a snapshot.
                return stopFollowing() + loadSnapshot(&ctx)
            }
            if event.kind == .deployment, [.running, .provisioned].contains(event.state) { watchedRunning = true }
            if event.isFinal {
                // The stream ends after a final event; a retry or rollback follows it again.
                return stopFollowing() + revealSecretsIfLive(&ctx)
            }
        case let .deployment(.reconnecting(_, _, reason)):
            stream = .reconnecting(TextSanitizer.line(reason))
        case .deployment(.reconnected):
            stream = .live
        case let .deployment(.resynchronized(snapshot)):
            model.apply(snapshot: snapshot)
            stream = .live
        case .notifications:
            break  // not this pane's subscription kind
        case .finished:
            subscription = nil
            stream = .idle
        case let .failed(failure):
            subscription = nil
            stream = .failed(failure.message)
            if failure.isConnectionFailure { return scheduleResubscribe(&ctx) }
        }
        return []
    }

    mutating func scheduleResubscribe(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard resubscribeTimer == nil else { return [] }
        let id = ctx.newTimerID()
        resubscribeTimer = id
        return [.timer(id, after: .seconds(3))]
    }

    // MARK: Rendering

    static func icon(_ state: StepState, frame: Int) -> (String, StyleRole) {
        switch state {
        case .pending: ("○", .stepPending)
        case .running: (SpinnerWidget.frame(frame), .stepRunning)
        case .waiting: ("◷", .warning)
        case .succeeded: ("✔", .stepSucceeded)
        case .failed: ("✖", .stepFailed)
        case .skipped: ("–", .stepSkipped)
        }
    }

    /// `0.4s`, `12s`, `3m 05s`.
    public static func elapsedText(_ seconds: TimeInterval) -> String {
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m \(whole % 60 < 10 ? "0" : "")\(whole % 60)s" }
        return "\(whole / 3600)h \(whole % 3600 / 60 < 10 ? "0" : "")\(whole % 3600 / 60)m"
    }

    static func stateLabel(_ state: DeploymentState?) -> (String, StyleRole) {
        switch state {
        case nil: ("loading", .muted)
        case .queued?: ("queued", .stepPending)
        case .running?: ("deploying", .stepRunning)
        case .provisioned?: ("provisioned · certificate pending", .warning)
        case .succeeded?: ("live", .success)
        case .failed?: ("failed", .error)
        case .interrupted?: ("interrupted", .warning)
        case .rollingBack?: ("rolling back", .warning)
        case .rolledBack?: ("rolled back", .muted)
        }
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 10, area.height > 2 else { return }
        let x = area.x + 1
        let width = area.width - 2
        var y = area.y

        // Title: what, where, state, and the stream's health on the right.
        let (label, role) = DeployProgressPane.stateLabel(model.state)
        var right = ""
        var rightStyle = CellStyle.muted
        switch stream {
        case .reconnecting: right = "⟳ reconnecting…"; rightStyle = .warning
        case let .failed(reason): right = "✕ " + reason; rightStyle = .error
        case .connecting: right = "connecting…"
        case .live, .idle: break
        }
        let rightWidth = min(DisplayWidth.of(right), width / 2)
        var used = canvas.write(TextLayout.truncate(TextSanitizer.line(listingTitle), to: max(1, width - rightWidth - 16)),
                                x: x, y: y, style: CellStyle(.accent, bold: true))
        used += canvas.write("  " + label, x: x + used, y: y, maxWidth: max(0, width - rightWidth - used), style: CellStyle(role, bold: true))
        if rightWidth > 0 { canvas.writeFitted(right, x: x + width - rightWidth, y: y, width: rightWidth, style: rightStyle) }
        y += 1
        // An update is a run of its own: say so, and which version it brings.
        var target = model.deployment.updateOf != nil
            ? "update to \(model.deployment.packageVersion ?? "the latest version") · run \(model.deploymentId) (of \(model.deployment.updateOf ?? ""))"
            : "deployment \(model.deploymentId)" + (model.deployment.packageVersion.map { " · version \($0)" } ?? "")
        if let account = model.accountId { target += " · account \(account.prefix(6))…\(account.suffix(4))" }
        if let domain = model.domain { target += " · \(domain)" }
        canvas.writeFitted(target, x: x, y: y, width: width, style: .muted)
        y += 1
        ProgressBarWidget(fraction: model.fractionComplete, label: "\(model.completedCount)/9 steps",
                          style: CellStyle(model.state == .failed ? .stepFailed : .stepSucceeded))
            .render(into: &canvas, area: Rect(x: x, y: y, width: min(width, 60), height: 1))
        y += 2

        // The nine steps.
        let selected = selectedStep ?? model.focusStep
        for step in model.steps where y < area.maxY {
            let (icon, iconRole) = DeployProgressPane.icon(step.state, frame: ctx.frame)
            let isSelected = step.kind == selected
            let rowStyle = isSelected ? CellStyle(.selection, bold: true) : CellStyle(step.state == .pending ? .muted : .text)
            if isSelected { canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: rowStyle) }
            canvas.write(icon, x: x + 1, y: y, maxWidth: 1, style: isSelected ? rowStyle : CellStyle(iconRole, bold: step.state == .running))
            let elapsed = model.elapsed(step, now: ctx.now).map(DeployProgressPane.elapsedText) ?? ""
            let timeWidth = 9
            canvas.writeFitted("\(step.kind.number)  \(step.kind.title)", x: x + 3, y: y, width: max(1, width - 4 - timeWidth), style: rowStyle)
            canvas.writeFitted(elapsed, x: x + width - timeWidth, y: y, width: timeWidth, style: rowStyle, alignRight: true)
            y += 1
        }
        y += 1

        // Outcome: the failure with its code, or where the business answers.
        var outcome: [StyledLine] = []
        let isUpdate = model.deployment.updateOf != nil
        if model.state == .rolledBack {
            // A Worker whose previous version Cloudflare no longer had is named in the run's last message.
            let unrestored = isUpdate ? model.lastMessage.flatMap { $0.contains("no longer exists") || $0.contains("could not serve") ? $0 : nil } : nil
            if let unrestored {
                outcome += StyledLine.wrapped("Rolled back: what this update added has been removed; database migrations it applied stay.",
                                              width: width, style: .muted)
                outcome += StyledLine.wrapped(unrestored, width: width, style: .warning)
            } else {
                outcome += StyledLine.wrapped(isUpdate
                    ? "Rolled back: what this update added has been removed and its Workers serve their previous version again; database migrations it applied stay."
                    : "Rolled back: what this deployment created has been removed from your account.",
                                              width: width, style: .muted)
            }
        } else if model.state == .rollingBack {
            outcome += StyledLine.wrapped(isUpdate
                ? "Rolling back: removing what this update added and switching its Workers back, newest first…"
                : "Rolling back: removing what this deployment created, newest first…",
                                          width: width, style: .warning)
        } else if let failed = model.failedStep {
            outcome += StyledLine.wrapped("✖ Step \(failed.kind.number) (\(failed.kind.title)) failed: \(failed.message ?? model.lastMessage ?? "no reason given")",
                                          width: width, style: .error)
            if let code = failed.errorCode { outcome.append(StyledLine("  Cloudflare error \(code)", .error)) }
            outcome += StyledLine.wrapped("Press r to retry from this step or x to roll back; both ask for your API token again.",
                                          width: width, style: .muted)
        } else if model.state == .interrupted {
            outcome += StyledLine.wrapped("The platform restarted during this deployment. Press r and give your API token to resume it.",
                                          width: width, style: .warning)
        } else if model.state == .succeeded {
            // The URL as an OSC 8 hyperlink (as the checkout URL), on the line's end where it is never wrapped.
            let live = model.url.map { TextSanitizer.line($0) }
            outcome.append(StyledLine([StyledSpan("✔ Live", CellStyle(.success, bold: true)), StyledSpan(live == nil ? "" : " at ", .success)]
                                      + (live.map { [StyledSpan($0, CellStyle(.success, underline: true), link: $0)] } ?? [])))
            if !generatedSecrets.isEmpty {
                outcome.append(StyledLine("Generated secrets: shown this once, kept nowhere. Store them now (a password manager):",
                                          CellStyle(.warning, bold: true)))
                let nameWidth = generatedSecrets.map { DisplayWidth.of(TextSanitizer.line("\($0.worker)/\($0.name)")) }.max() ?? 0
                for secret in generatedSecrets {
                    let name = TextSanitizer.line("\(secret.worker)/\(secret.name)")
                    outcome.append(StyledLine([StyledSpan("  " + name + String(repeating: " ", count: max(0, nameWidth - DisplayWidth.of(name))) + "  "),
                                               StyledSpan(TextSanitizer.line(secret.value), CellStyle(.accent, bold: true))]))
                }
            }
        }
        if let notice { outcome += StyledLine.wrapped(notice, width: width, style: .error) }
        ParagraphWidget(lines: outcome).render(into: &canvas, area: Rect(x: x, y: y, width: width, height: max(0, area.maxY - y)))
        y += outcome.count + (outcome.isEmpty ? 0 : 1)

        // The selected step's log, newest lines last.
        if y + 1 < area.maxY, let step = model.steps.first(where: { $0.kind == selected }) {
            canvas.writeFitted("Log · \(step.kind.title)", x: x, y: y, width: width, style: CellStyle(.header, bold: true))
            y += 1
            var logLines = step.log.flatMap { TextLayout.wrap(TextSanitizer.line($0), width: max(1, width - 2)) }
            if logLines.isEmpty { logLines = [step.state == .pending ? "(not started)" : "(no output)"] }
            let room = area.maxY - y
            for line in logLines.suffix(max(0, room)) {
                canvas.write(line, x: x + 2, y: y, maxWidth: width - 2, style: .muted)
                y += 1
            }
        }

        renderPrompt(into: &canvas, area: area)
    }

    func renderPrompt(into canvas: inout Canvas, area: Rect) {
        switch prompt {
        case nil: return
        case .confirmLeave:
            ModalWidget(title: "Leave?", lines: [
                StyledLine("The generated secrets are shown only here and kept"),
                StyledLine("nowhere: once you leave they cannot be shown again."),
                .blank,
                StyledLine([StyledSpan("y", CellStyle(.accent, bold: true)), StyledSpan(" copy them   "),
                            StyledSpan("Enter", CellStyle(.accent, bold: true)), StyledSpan(" leave   "),
                            StyledSpan("Esc", CellStyle(.accent, bold: true)), StyledSpan(" stay")]),
            ]).render(into: &canvas, area: area)
        case .confirmRollback:
            let created = model.resources.filter { $0.created && !$0.isWorkerVersion }.count
            let switched = model.resources.filter { $0.created && $0.isWorkerVersion }.count
            var lines = [
                StyledLine("Remove what this deployment created in your Cloudflare"),
                StyledLine("account (\(created) resource\(created == 1 ? "" : "s")), newest first? Resources it"),
                StyledLine("found already there are left alone."),
            ]
            if switched > 0 && created == 0 {
                lines = [
                    StyledLine("Serve the previous version of the \(switched) Worker\(switched == 1 ? "" : "s") this"),
                    StyledLine("update switched again? It added nothing else."),
                    StyledLine("Database migrations it applied stay.", CellStyle(.muted)),
                ]
            } else if switched > 0 {
                lines.append(StyledLine("The \(switched) Worker\(switched == 1 ? " it updated serves its" : "s it updated serve their") previous version"))
                lines.append(StyledLine("again; database migrations it applied stay.", CellStyle(.muted)))
            }
            ModalWidget(title: "Roll back?", lines: lines + [
                .blank,
                StyledLine([StyledSpan("y", CellStyle(.accent, bold: true)), StyledSpan(" roll back   "),
                            StyledSpan("n", CellStyle(.accent, bold: true)), StyledSpan(" keep it")]),
            ]).render(into: &canvas, area: area)
        case let .token(purpose, input, problem):
            let width = min(64, area.width - 4)
            let height = problem == nil ? 7 : 8
            let box = area.centred(width: width, height: height)
            guard box.width >= 20, box.height >= 6 else { return }
            canvas.fill(box, style: .text)
            canvas.box(box, title: purpose == .retry ? "Retry: API token" : "Roll back: API token", style: .border)
            let inner = box.inset(1).insetHorizontally(1)
            canvas.writeFitted("Your Cloudflare API token for account \(model.accountId.map { String($0.prefix(6)) + "…" } ?? "?"):",
                               x: inner.x, y: inner.y, width: inner.width, style: .text)
            canvas.writeFitted("It is sent once and not kept.", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
            TextFieldWidget(input, focused: true, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: inner.x, y: inner.y + 3, width: inner.width, height: 1))
            if let problem {
                canvas.writeFitted("✖ " + problem, x: inner.x, y: inner.y + 4, width: inner.width, style: .error)
            }
        }
    }
}
