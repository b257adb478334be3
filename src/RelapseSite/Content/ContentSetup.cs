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
        public ValidateOptionsResult Validate(string? name, ContentOptions options)
        {
            var root = options.ResolveRoot(environment.ContentRootPath);
            return ContentLoader.Unservable(root) is { } reason
                ? ValidateOptionsResult.Fail(ContentOptions.NoContentAt(root, reason))
                : ValidateOptionsResult.Success;
        }
    }
}
