/// Thrown by a worker on purpose, once for some chunks, to show that a thrown error rolls the
/// whole chunk's transaction back (nothing of it is written) and that the retry starts clean.
struct SimulatedFailure: Error, CustomStringConvertible {
    let chunkStart: Int
    var description: String { "simulated failure in the chunk starting at id \(chunkStart)" }
}
