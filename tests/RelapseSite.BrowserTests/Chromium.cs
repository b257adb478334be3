using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>
/// Debian's Chromium, driven by Playwright without <c>playwright install</c>. On a machine without it the browser tests
/// are skipped with a reason; under <c>CI=true</c> they run anyway and fail, because CI must prove the site in a browser.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why browser tests are skipped here, or null when they must run.</summary>
    public static string? SkipReason => IsInstalled || OnCi
        ? null
        : $"Chromium is not installed at {ExecutablePath} (apt-get install chromium; .ci/run does this). Under CI=true this is a failure.";

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,

        // Without the background-networking flags Chromium keeps trying to reach Google's services from a closed network.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };
}

/// <summary>A fact that needs Chromium: skipped with a reason where it is missing, except under CI=true.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = Chromium.SkipReason;
}

/// <summary>A theory that needs Chromium: skipped with a reason where it is missing, except under CI=true.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = Chromium.SkipReason;
}
