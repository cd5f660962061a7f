import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the platform API server.")

    func run() async throws {
        throw ValidationError("the platform server is not built yet")
    }
}
