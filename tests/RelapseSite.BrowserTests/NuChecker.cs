using System.Diagnostics;

namespace RelapseSite.BrowserTests;

/// <summary>
/// The W3C Nu HTML checker (npm <c>vnu-jar</c>) run with the machine's Java. .ci/run installs it into
/// <c>tools/vnu/node_modules</c>; <c>VNU_JAR</c> can point elsewhere. Missing, its tests are skipped, except under CI=true.
/// </summary>
public static class NuChecker
{
    public static string JarPath { get; } = Environment.GetEnvironmentVariable("VNU_JAR") is { Length: > 0 } configured
        ? configured
        : Path.Combine(TestFolders.RepositoryRoot, "tools", "vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    public static string? SkipReason => (File.Exists(JarPath) && JavaPath is not null) || Chromium.OnCi
        ? null
        : $"The Nu HTML checker needs Java and {JarPath} (npm install --prefix tools/vnu vnu-jar; .ci/run does this). Under CI=true this is a failure.";

    private static string? JavaPath => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "java"))
        .FirstOrDefault(File.Exists);

    /// <summary>Checks the files in one Java start; returns each error as "file:line.column: message".</summary>
    public static async Task<IReadOnlyList<string>> Errors(IEnumerable<string> files)
    {
        if (!File.Exists(JarPath) || JavaPath is null)
        {
            throw new InvalidOperationException(SkipReason ?? $"Java or {JarPath} is missing.");
        }

        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-jar", JarPath, "--errors-only", "--also-check-css", "--format", "gnu" }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (errors + await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (process.ExitCode != 0 && lines.Count == 0)
        {
            lines.Add($"vnu exited with {process.ExitCode} and said nothing");
        }

        return lines;
    }
}

/// <summary>A fact that needs the Nu HTML checker: skipped with a reason where it is missing, except under CI=true.</summary>
public sealed class NuCheckerFactAttribute : FactAttribute
{
    public NuCheckerFactAttribute() => Skip = NuChecker.SkipReason;
}
