namespace Resolver.IntegrationTests;

/// <summary>How tests start the real resolver executable: the dotnet host running the tests, and resolver.dll as built.</summary>
internal static class ResolverExecutable
{
    public static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    /// <summary>
    /// resolver.dll as the build put it: beside this test assembly (the project reference copies it with its
    /// runtimeconfig and deps files), else in src/Resolver/bin/&lt;Configuration&gt;/net10.0/.
    /// </summary>
    public static string ResolverDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "resolver.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "resolver.runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Resolver", "bin", configuration, "net10.0", "resolver.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"resolver.dll not found beside {AppContext.BaseDirectory} nor in src/Resolver/bin/{configuration}/net10.0");
    }
}
