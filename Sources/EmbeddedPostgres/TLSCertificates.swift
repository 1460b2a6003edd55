import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway certificate authority and a server certificate it signed, for `localhost` and
/// `127.0.0.1`, made with the `openssl` command at start-up, so that tests can connect with
/// `sslmode=verify-full` without anything committed or installed system-wide.
///
/// Elliptic-curve keys (P-256): generated in milliseconds, and accepted by every supported
/// PostgreSQL and libpq. Valid for two days; the files live and die with the server's directory.
public struct TLSCertificates: Sendable {
    /// The CA's certificate: what a client passes as `sslrootcert`.
    public let caCertificate: String
    public let serverCertificate: String
    /// The server's private key, readable by the server's user only (PostgreSQL insists).
    public let serverKey: String

    /// Makes a CA and a server certificate signed by it in `directory` (created if needed).
    public static func generate(in directory: URL) throws -> TLSCertificates {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try makeAuthority(in: directory, name: "ca")
        let config = try writeConfig(in: directory)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", path("server.key"), "-out", path("server.csr"), "-config", config, "-subj", "/CN=localhost"])
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", ca.certificate, "-CAkey", ca.key,
                     "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2",
                     "-extfile", config, "-extensions", "server", "-out", path("server.crt")])
        chmod(path("server.key"), 0o600)
        return TLSCertificates(caCertificate: ca.certificate, serverCertificate: path("server.crt"), serverKey: path("server.key"))
    }

    /// A self-signed CA named `name` (files `name.crt`, `name.key`). One that signed nothing of
    /// the server's is what a "wrong root certificate" test passes as `sslrootcert`.
    public static func makeAuthority(in directory: URL, name: String) throws -> (certificate: String, key: String) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = try writeConfig(in: directory)
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        try openssl(["req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", key, "-out", certificate, "-days", "2", "-config", config, "-extensions", "ca",
                     "-subj", "/CN=RealPool test CA \(name) \(UInt32.random(in: 0...UInt32.max))"])
        return (certificate, key)
    }

    /// Our own minimal openssl configuration, so that nothing depends on the system's
    /// `openssl.cnf` (whose defaults differ between distributions and versions).
    private static func writeConfig(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("openssl.cnf").path
        let text = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = RealPool
            [ca]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:localhost, IP:127.0.0.1
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private static func openssl(_ arguments: [String]) throws {
        do {
            try Shell.run("openssl", arguments)
        } catch let error as EmbeddedPostgresError where error.description.contains("cannot run") {
            throw EmbeddedPostgresError("the `openssl` command was not found; it makes the test certificates (`apt-get install openssl`)")
        }
    }
}
