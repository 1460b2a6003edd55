import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to completion with `posix_spawn` and returns its exit status and output.
///
/// Not Foundation's `Process`, for two reasons. `pg_ctl start` leaves a server running, and that
/// server would inherit `Process`'s exit-detection pipe (and any other descriptor of ours), so the
/// command would never be seen to finish: here the child gets only its standard descriptors,
/// pointed at temporary files. And a child of a Swift process inherits its blocked signals, so a
/// `pgbench -T` timer (SIGALRM) would never fire: here the child starts with an empty signal mask
/// and default dispositions.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `command` (looked up on PATH unless it contains a `/`), with `environment` added to
    /// this process's environment.
    public static func run(_ command: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let dir = NSTemporaryDirectory()
        let token = UUID().uuidString
        let outPath = "\(dir)/realpool-child-\(token).out"
        let errPath = "\(dir)/realpool-child-\(token).err"
        defer { unlink(outPath); unlink(errPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        var all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let env = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        var pid = pid_t()
        let rc = posix_spawnp(&pid, command, &actions, &attributes, argv, env)
        guard rc == 0 else {
            throw EmbeddedPostgresError("cannot run `\(command)`: \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return Outcome(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            standardOutput: contents(outPath),
            standardError: contents(errPath))
    }

    /// Plain `read(2)`: Foundation's readers leak their read buffer on the current toolchain,
    /// `String(contentsOfFile:)` in swift-corelibs-foundation and `FileManager.contents(atPath:)`
    /// in FoundationEssentials (`readBytesFromFile`); LeakSanitizer reports every call.
    private static func contents(_ path: String) -> String {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { _ = Glibc.close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: buffer[..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every descriptor this process has open, from /proc/self/fd.
    private static func openDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap { Int32($0) }
    }
}
