// The cluster tests run real sockets and timers on two cores: one at a time keeps their timing honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
