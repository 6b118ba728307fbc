namespace HttpRaft.EndToEnd.Tests;

/// <summary>No Docker engine runs here, so the Dockerfile is checked by a linter instead of a build.</summary>
public sealed class DockerfileTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Dockerfile_passes_dockerfilelint()
    {
        var lint = Repository.NpmTool("dockerfilelint");
        await using var run = ChildProcess.Start("dockerfilelint", lint, [Path.Combine(Repository.Root, "Dockerfile")], Repository.Root);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(run.Transcript());
        Assert.True(exitCode == 0, $"dockerfilelint exited with {exitCode}:\n{run.Transcript()}");
    }
}
