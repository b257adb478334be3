using System.Text.Json;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

/// <summary>Production logs are one compact JSON object per line, with the request path, status and time, and nothing personal.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task In_production_a_request_event_has_time_template_path_status_and_elapsed_but_no_query()
    {
        using var site = new SiteFactory();

        using var json = await RequestEventAsync(site, "/guide/warning-signs?name=Jane%20Roe&phone=5550123");

        AssertRequestEvent(json.RootElement, "/guide/warning-signs");
        Assert.DoesNotContain(site.Logs.Lines, l => l.Contains("Jane", StringComparison.Ordinal) || l.Contains("5550123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_real_process_writes_only_json_lines_to_stdout()
    {
        var (site, address) = await SiteProcess.StartServingAsync();
        using (site)
        {
            using var client = new HttpClient { BaseAddress = address };

            var response = await client.GetAsync("/?name=Jane%20Roe");
            var line = await site.WaitForLineAsync(l => l.Contains("\"RequestPath\":\"/\"", StringComparison.Ordinal));

            Assert.True(response.IsSuccessStatusCode, $"GET / answered {(int)response.StatusCode}");
            using var request = JsonDocument.Parse(line);
            AssertRequestEvent(request.RootElement, "/");
            Assert.All(site.Lines, l =>
            {
                using var json = JsonDocument.Parse(l);
                Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
                Assert.True(json.RootElement.TryGetProperty("@t", out _), l);
                Assert.True(json.RootElement.TryGetProperty("@mt", out _), l);
            });
            Assert.DoesNotContain(site.Lines, l => l.Contains("Jane", StringComparison.Ordinal));
            Assert.Empty(site.StandardError);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Warning", true)]
    public async Task Request_tracing_is_off_unless_the_configuration_turns_it_on(string? level, bool traced)
    {
        using var site = new SiteFactory();
        site.Set($"Serilog:MinimumLevel:Override:{SiteLogging.HostingDiagnostics}", level);

        using var json = await RequestEventAsync(site, "/guide/warning-signs");

        AssertRequestEvent(json.RootElement, "/guide/warning-signs");
        Assert.Equal(traced, json.RootElement.TryGetProperty("@tr", out _));
        Assert.Equal(traced, json.RootElement.TryGetProperty("RequestId", out _));
    }

    /// <summary>Asks for <paramref name="pathAndQuery"/> and returns the request event the site logged for it, as JSON.</summary>
    private static async Task<JsonDocument> RequestEventAsync(SiteFactory site, string pathAndQuery)
    {
        await site.CreateVisitor().GetAsync(pathAndQuery);
        var line = await Eventually.Get(
            () => Task.FromResult(site.Logs.Lines.FirstOrDefault(l => l.Contains("\"RequestPath\"", StringComparison.Ordinal))),
            l => l is not null);
        Assert.NotNull(line);
        return JsonDocument.Parse(line);
    }

    private static void AssertRequestEvent(JsonElement e, string path)
    {
        Assert.True(DateTimeOffset.TryParse(e.GetProperty("@t").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.StartsWith("HTTP {RequestMethod} {RequestPath} responded {StatusCode}", e.GetProperty("@mt").GetString(), StringComparison.Ordinal);
        Assert.Equal(path, e.GetProperty("RequestPath").GetString());
        Assert.Equal(200, e.GetProperty("StatusCode").GetInt32());
        Assert.True(e.GetProperty("Elapsed").GetDouble() > 0);
        Assert.False(e.TryGetProperty("QueryString", out _));
    }
}
