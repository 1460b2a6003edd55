extension PoolConfiguration {
    /// The configuration with every value in its range, and a line for each value that was not.
    ///
    /// `init` brings its arguments into range this way; a field set afterwards
    /// (`config.maxConnections = 0`, as configuration code usually writes it) is brought into range
    /// when the pool is created, which logs each line as a warning. Out-of-range values are
    /// corrected rather than trapped on, since a configuration is data that may come from a file,
    /// but never silently.
    package func inRange() -> (configuration: PoolConfiguration, corrections: [String]) {
        var c = self
        var corrections: [String] = []
        func correct<T: Comparable>(_ name: String, _ value: inout T, to bounds: ClosedRange<T>, _ shown: (T) -> String) {
            let fixed = min(max(value, bounds.lowerBound), bounds.upperBound)
            guard fixed != value else { return }
            corrections.append("pool.\(name) = \(shown(value)) is out of range; using \(shown(fixed))")
            value = fixed
        }
        correct("maxConnections", &c.maxConnections, to: 1...Int.max, String.init)
        correct("minConnections", &c.minConnections, to: 0...c.maxConnections, String.init)
        correct("acquireTimeout", &c.acquireTimeout, to: .zero...Duration.seconds(Int64.max / 2), { "\($0)" })
        correct("lifetimeJitter", &c.lifetimeJitter, to: 0...1, { "\($0)" })
        correct("maxWaiters", &c.maxWaiters, to: 0...Int.max, String.init)
        return (c, corrections)
    }
}
