import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to completion and returns its standard output; throws with its output when it
/// fails. Used only for the handful of server-management commands.
///
/// Not Foundation's `Process`: `pg_ctl start` leaves a server running, and that server would
/// inherit `Process`'s own exit-detection pipe (and any other descriptor of ours), so the
/// command would never be seen to finish. Here the child gets only its standard descriptors,
/// pointed at temporary files, and is reaped with `waitpid`.
enum Shell {
    @discardableResult
    static func run(_ command: String, _ arguments: [String], quiet: Bool = false) throws -> String {
        let dir = NSTemporaryDirectory()
        let token = UUID().uuidString
        let outPath = "\(dir)/realpool-shell-\(token).out"
        let errPath = "\(dir)/realpool-shell-\(token).err"
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

        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawnp(&pid, command, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw EmbeddedPostgresError("cannot run `\(command)`: \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            let shown = ([command] + arguments).joined(separator: " ")
            throw EmbeddedPostgresError("`\(shown)` failed (\(exited ? "exit \(code)" : "signal \(status & 0x7f)")): \(stderr.isEmpty ? stdout : stderr)")
        }
        return stdout
    }

    /// Every descriptor this process has open, from /proc/self/fd.
    private static func openDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap { Int32($0) }
    }
}
