using System.Text.Json;
using RelapseSite.Content;

namespace RelapseSite.Web;

/// <summary>
/// wwwroot through <c>MapStaticAssets</c>: the build fingerprints every file (<c>site.{hash}.css</c>) and publish
/// pre-compresses it (Brotli and gzip), so a request costs a lookup and a file write. The layout's links resolve to the
/// fingerprinted names, which are served with a one-year <c>max-age</c> and <c>immutable</c>; the plain names stay
/// valid with <c>no-cache</c> and an ETag.
/// </summary>
public static class StaticAssets
{
    private const string ReloadAtRuntime = "ReloadStaticAssetsAtRuntime";

    /// <summary>
    /// The build's list of assets, named after this assembly rather than the host's application name, so a host built
    /// in a test (application name "testhost") finds it too.
    /// </summary>
    public static string Manifest { get; } =
        Path.Combine(AppContext.BaseDirectory, $"{typeof(StaticAssets).Assembly.GetName().Name}.staticwebassets.endpoints.json");

    /// <summary>
    /// The addresses in the build's list, which is what <c>MapStaticAssets</c> serves: a file copied into a deployed
    /// wwwroot without a build is not among them, and visitors would get a 404 for it.
    /// </summary>
    public static SiteFiles ServedFiles()
    {
        if (!File.Exists(Manifest))
        {
            return SiteFiles.None;
        }

        using var json = JsonDocument.Parse(File.ReadAllBytes(Manifest));
        return new SiteFiles(json.RootElement.GetProperty("Endpoints").EnumerateArray()
            .Select(e => e.GetProperty("Route").GetString()).OfType<string>());
    }

    public static WebApplicationBuilder AddStaticAssets(this WebApplicationBuilder builder)
    {
        // The framework reads any value but "false" as true, so "maybe" or an empty variable would quietly send every
        // asset with no-cache. Only true or false is taken.
        var reload = builder.Configuration[ReloadAtRuntime];
        if (reload is not null && !bool.TryParse(reload, out _))
        {
            throw new SettingException($"{ReloadAtRuntime}: '{reload}' is not true or false.");
        }

        // What the content check lets pages link to: the files the site serves, not whatever sits in wwwroot.
        builder.Services.AddSingleton(_ => ServedFiles());

        if (builder.Environment.IsDevelopment())
        {
            return builder;
        }

        // Outside Development, serve as a published app does, even from a build (the test host, `dotnet run -e
        // Production`): find the compressed copies the build keeps under obj/, and keep the one-year headers, which
        // the framework otherwise swaps for no-cache whenever it runs from a build, to support editing wwwroot live.
        // A published app has no build manifest, so for it both lines change nothing.
        builder.WebHost.UseStaticWebAssets();
        if (reload is null)
        {
            builder.Configuration.AddInMemoryCollection([new(ReloadAtRuntime, "false")]);
        }

        return builder;
    }
}
