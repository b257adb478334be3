using Microsoft.Extensions.Options;

namespace RelapseSite.Content;

public static class ContentSetup
{
    /// <summary>Registers the Markdown pipeline, the loader and the watched store.</summary>
    public static IServiceCollection AddContent(this IServiceCollection services)
    {
        services.AddOptions<ContentOptions>().BindConfiguration(ContentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContentOptions>, ContentOptionsValidator>();
        services.AddSingleton<MarkdownRenderer>();
        services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<ContentOptions>>().Value;
            var copies = new LastGoodCopies(
                options.ResolveLastGood(services.GetRequiredService<IHostEnvironment>().ContentRootPath),
                services.GetRequiredService<ILogger<LastGoodCopies>>());
            return new ContentLoader(services.GetRequiredService<MarkdownRenderer>(), services.GetService<SiteFiles>(), copies);
        });
        services.AddSingleton<ContentStore>();
        services.AddHostedService<ContentStartup>();
        return services;
    }

    private sealed class ContentOptionsValidator(IHostEnvironment environment) : IValidateOptions<ContentOptions>
    {
        private static bool IsSameOrInside(string path, string folder)
        {
            var (a, b) = (Path.TrimEndingDirectorySeparator(path), Path.TrimEndingDirectorySeparator(folder));
            return a == b || a.StartsWith(b + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }

        public ValidateOptionsResult Validate(string? name, ContentOptions options)
        {
            var root = options.ResolveRoot(environment.ContentRootPath);
            if (ContentLoader.Unservable(root) is { } reason)
            {
                return ValidateOptionsResult.Fail(ContentOptions.NoContentAt(root, reason));
            }

            // Copies are pruned by name at every start: inside the content folder, that would delete staff's drafts.
            var copies = options.ResolveLastGood(environment.ContentRootPath);
            return IsSameOrInside(copies, root) || IsSameOrInside(root, copies)
                ? ValidateOptionsResult.Fail($"Content:LastGoodPath: '{copies}' overlaps the content folder '{root}'; keep the copies apart from it, for example in App_Data/content-last-good.")
                : ValidateOptionsResult.Success;
        }
    }
}
