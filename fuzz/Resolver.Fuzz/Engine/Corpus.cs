using System.Security.Cryptography;

namespace Resolver.Fuzz.Engine;

/// <summary>The seed corpora in <c>fuzz/corpus/TARGET/</c>, and the crash files written beside them.</summary>
public static class Corpus
{
    public const string CrashPrefix = "crash-";

    /// <summary>The <c>fuzz/corpus</c> folder of the source tree: found upwards from the working directory, then from the binaries.</summary>
    public static string FindRoot()
    {
        foreach (var start in (string[])[Directory.GetCurrentDirectory(), AppContext.BaseDirectory])
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "fuzz", "corpus");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("no fuzz/corpus folder above " + Directory.GetCurrentDirectory() + " or " + AppContext.BaseDirectory);
    }

    /// <summary>Every file of a target's corpus (seeds and crash-* regressions), in name order.</summary>
    public static IReadOnlyList<string> Files(string root, string target)
    {
        var directory = Path.Combine(root, target);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var files = Directory.GetFiles(directory).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Keeps a failing input as <c>crash-HASH</c> in the target's corpus and returns its path.</summary>
    public static string WriteCrash(string root, string target, ReadOnlySpan<byte> input)
    {
        var directory = Path.Combine(root, target);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, CrashPrefix + Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
        File.WriteAllBytes(path, input.ToArray());
        return path;
    }
}
