using Xunit;

// The command line runs in-process with the console and the current folder redirected, which are global: the tests of
// this project run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
