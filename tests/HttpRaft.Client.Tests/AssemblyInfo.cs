// The cluster and tool tests run real sockets, timers and processes on two cores: one at a time keeps their timing honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
