/// The counters snapshot taken when measurement starts.
actor ManagedCounters {
    var value: ExecutorCounters?
    func set(_ v: ExecutorCounters) { value = v }
}
