// The tests start real processes that elect leaders on timers: run them one at a time so that two
// clusters never compete for the two cores (and ports) at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
