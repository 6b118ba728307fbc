using System.Reflection;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>Paths of what the tests run: the built HttpRaft.dll and the npm tools under postman/.</summary>
internal static class Repository
{
    /// <summary>The repository's root folder (where HttpRaft.sln is), recorded at build time.</summary>
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>
    /// The executable's build output, recorded at build time from src/HttpRaft's TargetPath in this
    /// project's configuration; <c>HTTPRAFT_DLL</c> overrides it.
    /// </summary>
    public static string HttpRaftDll
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("HTTPRAFT_DLL") is { Length: > 0 } overridden
                ? overridden
                : Metadata("HttpRaftDll");
            if (!File.Exists(path)) Assert.Fail($"HttpRaft.dll is not built at {path}: run dotnet build HttpRaft.sln");
            return path;
        }
    }

    /// <summary>The <c>dotnet</c> host that runs these tests, to run HttpRaft.dll the same way.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>An npm tool installed by <c>npm ci --prefix postman</c>; fails the test if it is missing.</summary>
    public static string NpmTool(string name)
    {
        var path = Path.Combine(Root, "postman", "node_modules", ".bin", name);
        if (!File.Exists(path)) Assert.Fail($"{name} is not installed at {path}; run: npm ci --prefix postman");
        return path;
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no {key} metadata; rebuild it.");
}
