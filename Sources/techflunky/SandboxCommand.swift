import ArgumentParser

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sandbox", abstract: "Manage the local sandbox marketplace (reset, advance the clock).")

    func run() async throws {
        throw ValidationError("the sandbox is not built yet")
    }
}
