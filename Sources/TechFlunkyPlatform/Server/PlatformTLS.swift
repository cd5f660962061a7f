import Foundation
import HummingbirdTLS

/// `serve --tls-cert PEM --tls-key PEM`: HTTPS with TLS 1.3 only, HTTP/2 or HTTP/1.1 by ALPN. Clients that cannot speak 1.3 are refused
/// in the handshake; a terminating proxy in front of a plain `--port` is the way to serve older ones.
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

    /// The server configuration, or an error naming the file and what to do.
    func configuration() throws -> TLSConfiguration {
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
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        return configuration
    }
}
