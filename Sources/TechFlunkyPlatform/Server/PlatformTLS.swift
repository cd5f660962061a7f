import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// `serve --tls-cert PEM --tls-key PEM`: HTTPS with TLS 1.3 only, HTTP/2 or HTTP/1.1 by ALPN. Clients that
/// cannot speak 1.3 are refused in the handshake; a terminating proxy in front of a plain `--port` is the way
/// to serve older ones.
public struct PlatformTLS: Sendable, Hashable {
    /// PEM: the server's certificate first, then any intermediates.
    public var certificatePath: String
    /// PEM private key of the certificate (keep it 0600).
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The certificate chain and key, or an error naming the file and what to do.
    func load() throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw LoadError(description: "cannot read the certificate \(certificatePath) (\(error)); --tls-cert needs a PEM file with the certificate first, then its intermediates")
        }
        guard !chain.isEmpty else { throw LoadError(description: "\(certificatePath) holds no PEM certificate; give --tls-cert the certificate chain") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw LoadError(description: "cannot read the private key \(privateKeyPath) (\(error)); --tls-key needs the certificate's PEM private key, unencrypted")
        }
        return (chain, key)
    }
}

/// The certificate the TLS port presents, swappable while serving: each handshake asks for the current one,
/// so `reload()` (on SIGHUP) changes what new connections get and leaves open ones alone.
public final class TLSCertificates: Sendable {
    public let tls: PlatformTLS
    private let current: Mutex<NIOSSLContextConfigurationOverride>
    private let initial: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)

    init(_ tls: PlatformTLS) throws {
        self.tls = tls
        let loaded = try tls.load()
        initial = loaded
        current = Mutex(Self.override(loaded))
    }

    /// Reads the files again. A file that does not load leaves the certificate in use as it was.
    public func reload() throws {
        let loaded = try tls.load()
        current.withLock { $0 = Self.override(loaded) }
    }

    /// TLS 1.3 only, presenting whatever `reload()` last loaded.
    func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: initial.chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(initial.key))
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        configuration.sslContextCallback = { [self] _, promise in
            promise.succeed(current.withLock { $0 })
        }
        return configuration
    }

    private static func override(_ loaded: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)) -> NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = loaded.chain.map { .certificate($0) }
        override.privateKey = .privateKey(loaded.key)
        return override
    }
}
