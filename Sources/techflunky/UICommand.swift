import ArgumentParser

struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ui", abstract: "Open the terminal UI (the default).")

    func run() async throws {
        throw ValidationError("the terminal UI is not built yet")
    }
}
