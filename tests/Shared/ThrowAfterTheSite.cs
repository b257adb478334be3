using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace RelapseSite.Testing;

/// <summary>
/// Appends, after the site's own pipeline, a step that throws at <see cref="Path"/>, as a page with a bug would: the
/// real 500 page can then be checked. Its message must never reach a visitor.
/// </summary>
internal sealed class ThrowAfterTheSite : IStartupFilter
{
    public const string Path = "/throw/for/test";

    public const string SecretDetail = "secret detail";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Run(context => context.Request.Path.StartsWithSegments(Path)
            ? throw new InvalidOperationException(SecretDetail)
            : Task.CompletedTask);
    };
}
