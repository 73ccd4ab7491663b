// LocalModeTests starts a whole AppHost and StartupErrorTests runs AppHost processes: at once, on a 2-core machine, they
// can miss their start-up timeouts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
