using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RelapseSite.Content;

/// <summary>
/// Readiness of the guide. Unhealthy only when there is nothing to serve; a broken edit is Degraded, because the last
/// good version of that page is still served and the crisis numbers must stay online.
/// </summary>
public sealed class ContentHealthCheck(ContentStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var loaded = store.IsLoaded;
        var snapshot = store.Current;
        var errors = snapshot.Errors.Select(e => e.ToString()).Prepend(store.ReloadError).OfType<string>().ToArray();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["loaded"] = loaded,
            ["version"] = snapshot.Version,
            ["pages"] = snapshot.PageCount,
            ["errors"] = errors,
        };

        var result = !loaded ? HealthCheckResult.Unhealthy("No content page could be loaded: the site has nothing to serve.", data: data)
            : errors.Length > 0 ? HealthCheckResult.Degraded($"{snapshot.PageCount} pages served; {errors.Length} content error(s): those files keep their last good version, if any.", data: data)
            : HealthCheckResult.Healthy($"{snapshot.PageCount} pages served.", data);
        return Task.FromResult(result);
    }
}
