import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--server-cpus`: the PostgreSQL server on some CPUs, the benchmark (and the pgbench it runs)
/// on the others.
///
/// On one shared machine every microsecond a client spends on a statement is taken from the
/// server's backends, so a client that costs more CPU per statement than pgbench shows as less
/// throughput even when the server could do more. Split, each side has its own cores, as when the
/// application and the database run on separate hosts: the figures then compare how much work each
/// client gets out of the same server capacity.
///
/// The split pins the postmaster and every process it has started (backends, background workers);
/// later backends inherit the postmaster's CPUs. It pins every thread of this process; threads
/// started later, and pgbench, inherit theirs. A server given with `--dsn` gets its CPUs back at
/// the end. Linux only, and the server must run on this machine.
struct CPUSplit: Sendable {
    let serverCPUs: [Int]
    let clientCPUs: [Int]

    /// Parses a CPU list as `taskset -c` writes it: `1`, `0-3`, `1,3,5-7`.
    static func parseList(_ text: String) throws -> [Int] {
        var cpus = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low >= 0, low <= high, high < 1024 else {
                throw BenchError("--server-cpus `\(text)`: expected CPU numbers and ranges such as 1 or 0-1,3")
            }
            cpus.formUnion(low...high)
        }
        return cpus.sorted()
    }

    /// Checks the list against the CPUs this process may use; the rest go to the client.
    static func plan(_ text: String) throws -> CPUSplit {
        #if os(Linux)
        let server = try parseList(text)
        let available = try affinity(of: 0)
        let outside = server.filter { !available.contains($0) }
        guard outside.isEmpty else {
            throw BenchError("--server-cpus: CPU \(outside.map(String.init).joined(separator: ",")) is not available to this process (available: \(describe(available)))")
        }
        let client = available.filter { !server.contains($0) }
        guard !client.isEmpty else {
            throw BenchError("--server-cpus \(text) leaves no CPU for the benchmark (available: \(describe(available)))")
        }
        return CPUSplit(serverCPUs: server, clientCPUs: client)
        #else
        throw BenchError("--server-cpus needs Linux (sched_setaffinity)")
        #endif
    }

    /// Pins the server that runs `backendPID` (a connection of ours) and this process. Returns
    /// what undoes the server's half.
    func apply(backendPID: Int32) throws -> @Sendable () -> Void {
        #if os(Linux)
        let postmaster = try Self.postmasterPID(backend: pid_t(backendPID))
        let original = try Self.affinity(of: postmaster)
        for pid in [postmaster] + Self.children(of: postmaster) {
            do { try Self.setAffinity(of: pid, to: serverCPUs) } catch where pid != postmaster && !Self.exists("/proc/\(pid)") {
                continue  // a backend that ended meanwhile
            }
        }
        for thread in Self.threadsOfThisProcess() {
            do { try Self.setAffinity(of: thread, to: clientCPUs) } catch where !Self.exists("/proc/self/task/\(thread)") {
                continue  // a thread that ended meanwhile
            }
        }
        return {
            for pid in [postmaster] + Self.children(of: postmaster) { try? Self.setAffinity(of: pid, to: original) }
        }
        #else
        throw BenchError("--server-cpus needs Linux (sched_setaffinity)")
        #endif
    }

    var summary: String {
        "server on CPU \(Self.describe(serverCPUs)); benchmark and pgbench on CPU \(Self.describe(clientCPUs)) (--server-cpus)"
    }

    static func describe(_ cpus: [Int]) -> String { cpus.map(String.init).joined(separator: ",") }

    #if os(Linux)
    /// The postmaster is the parent of our own backend, found through `/proc`: only a server on
    /// this machine (and in this PID namespace) has one there, so a remote server is a clear error
    /// rather than some unrelated local process pinned.
    private static func postmasterPID(backend: pid_t) throws -> pid_t {
        guard command(of: backend) == "postgres", let parent = parentPID(of: backend), command(of: parent) == "postgres" else {
            throw BenchError("--server-cpus: the server's backend (pid \(backend)) is not a postgres process on this machine; the split needs the server to run here")
        }
        return parent
    }

    private static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    private static func command(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The fourth field of `/proc/PID/stat`, after the parenthesised command (which may hold spaces).
    private static func parentPID(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { parentPID(of: $0) == parent }
    }

    private static func threadsOfThisProcess() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { pid_t($0) }
    }

    // Glibc declares these only under _GNU_SOURCE, which Swift's Glibc module is not built with,
    // and its CPU_SET macros are not visible to Swift: look the functions up, and treat cpu_set_t
    // as the bit array it is.
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    nonisolated(unsafe) private static let sched_getaffinity = libcFunction("sched_getaffinity")
    nonisolated(unsafe) private static let sched_setaffinity = libcFunction("sched_setaffinity")

    private static func libcFunction(_ name: String) -> AffinityCall {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("prepare-bench: libc has no \(name)")
        }
        return unsafeBitCast(symbol, to: AffinityCall.self)
    }

    private static func affinity(of pid: pid_t) throws -> [Int] {
        var set = cpu_set_t()
        guard sched_getaffinity(pid, MemoryLayout<cpu_set_t>.size, &set) == 0 else {
            throw BenchError("--server-cpus: sched_getaffinity(\(pid)): \(String(cString: strerror(errno)))")
        }
        return withUnsafeBytes(of: &set) { bytes in
            (0..<bytes.count * 8).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 }
        }
    }

    private static func setAffinity(of pid: pid_t, to cpus: [Int]) throws {
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { bytes in
            for cpu in cpus { bytes[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        }
        guard sched_setaffinity(pid, MemoryLayout<cpu_set_t>.size, &set) == 0 else {
            let reason = errno == EPERM ? " (the server runs as another user: run the benchmark as root or as that user)" : ""
            throw BenchError("--server-cpus: sched_setaffinity(\(pid)): \(String(cString: strerror(errno)))\(reason)")
        }
    }
    #endif
}
