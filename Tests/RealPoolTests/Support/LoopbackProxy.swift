import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// A TCP proxy on 127.0.0.1 in front of the test server, for network faults: it forwards bytes
/// both ways until told to stall (stop forwarding on the connections it has, keeping them open)
/// or to drop (close them). New connections are forwarded normally in every mode. It counts what
/// it holds back and the connections that ended, so that tests wait for those conditions.
final class LoopbackProxy: @unchecked Sendable {
    let port: Int
    private let targetPort: Int
    private let listener: Int32
    private struct State {
        /// Connections numbered below this are stalled; nil while forwarding.
        var stalledBelow: Int?
        var nextConnection = 0
        var sockets: [Int32] = []
        var closed = false
        /// Reads held back by a stall so far.
        var heldReads = 0
        /// Connections whose server side has closed.
        var endedByServer = 0
    }
    private let state = Locked(State())

    /// How many reads a stall has held back so far: a test waits for this to know that what it
    /// sent is stuck in the network.
    var heldReads: Int { state.withLock { $0.heldReads } }

    /// How many connections the server has closed so far (a cancel request's connection is
    /// closed by the server once it has handled the request).
    var connectionsEndedByServer: Int { state.withLock { $0.endedByServer } }

    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
              listen(fd, 64) == 0,
              withUnsafeMutablePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }) == 0
        else { throw TestFailure("proxy: cannot listen: \(String(cString: strerror(errno)))") }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops forwarding on every connection made so far (they stay open: a stalled network).
    func stall() { state.withLock { $0.stalledBelow = $0.nextConnection } }

    /// Forwards again.
    func resume() { state.withLock { $0.stalledBelow = nil } }

    /// Closes every connection made so far (a dropped network).
    func drop() {
        let sockets = state.withLock { s -> [Int32] in defer { s.sockets = [] }; return s.sockets }
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    func close() {
        state.withLock { $0.closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        drop()
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if state.withLock({ $0.closed }) { return } else { continue } }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = Self.loopback(port: targetPort)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            guard ok else { Glibc.close(client); Glibc.close(upstream); continue }
            let number = state.withLock { s -> Int in
                s.sockets += [client, upstream]
                defer { s.nextConnection += 1 }
                return s.nextConnection
            }
            Thread { [self] in pump(from: client, to: upstream, connection: number, fromServer: false) }.start()
            Thread { [self] in pump(from: upstream, to: client, connection: number, fromServer: true) }.start()
        }
    }

    private func pump(from: Int32, to: Int32, connection: Int, fromServer: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(from, &buffer, buffer.count)
            if n <= 0 {
                if fromServer { state.withLock { $0.endedByServer += 1 } }
                break
            }
            // stalled: hold the bytes back (a bounded wait, so the thread ends with the test)
            func stalled() -> Bool { state.withLock { s in s.stalledBelow.map { connection < $0 } ?? false } }
            if stalled() { state.withLock { $0.heldReads += 1 } }
            var waited = 0
            while stalled() && waited < 600 {
                usleep(50_000)
                waited += 1
            }
            var sent = 0
            while sent < n {
                // MSG_NOSIGNAL: a peer that has gone must give EPIPE, not kill the test process
                let w = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if w <= 0 { break }
                sent += w
            }
        }
        shutdown(from, Int32(SHUT_RDWR))
        shutdown(to, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}
