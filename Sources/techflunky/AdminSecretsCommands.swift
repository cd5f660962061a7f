import ArgumentParser
import Foundation
import TechFlunkyPlatform

/// Where the secrets key comes from, shared by the commands that seal or open secrets.
struct SecretsKeyOptions: ParsableArguments {
    @Option(help: "File holding the secrets key (base64 of 32 bytes; default: TECHFLUNKY_SECRETS_KEY).")
    var secretsKeyFile: String?

    func key() throws -> SecretKey {
        guard let key = try SecretKey.resolve(file: secretsKeyFile, environment: ProcessInfo.processInfo.environment) else {
            throw CommandFailure("no secrets key: pass --secrets-key-file FILE or set TECHFLUNKY_SECRETS_KEY (make one with `techflunky admin generate-key --out FILE`)")
        }
        return key
    }
}

/// `techflunky admin generate-key --out FILE`
struct AdminGenerateKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key",
        abstract: "Write a new random secrets key (AES-256) to a new file, mode 0600.",
        discussion: "Keep it outside the data directory and its backups: whoever has both can read the secrets."
    )

    @Option(help: "The key file to create (it must not exist).") var out: String

    func run() throws {
        let key = SecretKey.generate()
        do { try key.write(to: out) } catch let error as SecretsError { throw CommandFailure(error.description) }
        print("Wrote secrets key \(key.id) to \(out).")
    }
}

/// `techflunky admin secrets set|list|remove`
struct AdminSecretsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Keep the platform's Stripe secrets sealed (AES-256-GCM) in <data-dir>/secrets.json.",
        discussion: "serve reads \(SecretStore.knownNames.joined(separator: " and ")) from there when the environment does not set them.",
        subcommands: [Set.self, List.self, Remove.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Seal a secret; the value is read from the first line of standard input, never from a flag.")
        @Option(help: "The data directory `techflunky serve` uses.") var dataDir: String
        @OptionGroup var keyOptions: SecretsKeyOptions
        @Argument(help: "The secret's name: \(SecretStore.knownNames.joined(separator: " or ")).") var name: String

        func validate() throws {
            guard SecretStore.knownNames.contains(name) else {
                throw ValidationError("serve reads only \(SecretStore.knownNames.joined(separator: " and ")); `\(name)` would never be used")
            }
        }

        func run() throws {
            let key = try keyOptions.key()
            let value = SecretInput.firstLineOfStandardInput()
            guard !value.isEmpty else { throw CommandFailure("no value on standard input: pipe it, e.g. `printf %s \"$KEY\" | techflunky admin secrets set \(name) …`") }
            do { try SecretStore(dataDir: dataDir).set(name, value, key: key) } catch let error as SecretsError { throw CommandFailure(error.description) }
            print("Sealed \(name) with key \(key.id) in \(SecretStore(dataDir: dataDir).path.path).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The sealed secrets' names and key ids (never their values).")
        @Option(help: "The data directory `techflunky serve` uses.") var dataDir: String

        func run() throws {
            let ids: [String: String]
            do { ids = try SecretStore(dataDir: dataDir).keyIds() } catch let error as SecretsError { throw CommandFailure(error.description) }
            if ids.isEmpty { print("No sealed secrets in \(dataDir).") }
            for (name, id) in ids.sorted(by: { $0.key < $1.key }) { print("\(name)  sealed with key \(id)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a sealed secret.")
        @Option(help: "The data directory `techflunky serve` uses.") var dataDir: String
        @Argument(help: "The secret's name.") var name: String

        func run() throws {
            do { try SecretStore(dataDir: dataDir).remove(name) } catch let error as SecretsError { throw CommandFailure(error.description) }
            print("Removed \(name).")
        }
    }
}

/// `techflunky admin rotate-key --data-dir D --new-key-file NEW [--secrets-key-file OLD]`
struct AdminRotateKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Seal every secret and every package bundle file again with a new key.",
        discussion: """
            Opens every secret and every sealed bundle file under packages/ with the current key (--secrets-key-file \
            or TECHFLUNKY_SECRETS_KEY) and seals it with --new-key-file (bundle files still in the clear are sealed \
            too), then secrets.json in one step; each bundle file is replaced by a rename, so a run interrupted \
            anywhere is finished by running it again. Stop serve first (it holds the old key), then start it with \
            the new key and destroy the old one.
            """
    )

    @Option(help: "The data directory `techflunky serve` uses.") var dataDir: String
    @OptionGroup var keyOptions: SecretsKeyOptions
    @Option(help: "The new key file (make it with `techflunky admin generate-key`).") var newKeyFile: String

    func run() throws {
        do {
            let old = try keyOptions.key()
            let new = try SecretKey.load(file: newKeyFile)
            // Bundle files first, each replaced on its own and skipped when already in the new key; secrets.json last,
            // in one step: so a run interrupted anywhere is finished by running it again.
            let files = try PackageStore(dataDir: dataDir).rotate(from: old, to: new)
            let count = try SecretStore(dataDir: dataDir).rotate(from: old, to: new)
            let inNewKey = try PackageStore(dataDir: dataDir).census().sealed[new.id] ?? 0
            print("Sealed \(count) secret\(count == 1 ? "" : "s") again with key \(new.id) (was \(old.id)); \(inNewKey) package file\(inNewKey == 1 ? " is" : "s are") "
                  + "sealed with it (\(files) re-sealed now). Start serve with the new key.")
        } catch let error as SecretsError {
            throw CommandFailure(error.description)
        } catch let error as SealedBundleError {
            throw CommandFailure(error.description)
        }
    }
}
