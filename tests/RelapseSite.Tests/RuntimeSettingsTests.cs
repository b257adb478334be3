using System.Text.Json;

namespace RelapseSite.Tests;

/// <summary>
/// The GC mode decides most of the site's memory (bench/README.md), and a misspelt property in the project file once
/// left it to the SDK's default unnoticed. This reads the runtime configuration the build wrote from RelapseSite.csproj.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_site_runs_server_GC_with_dynamic_adaptation()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RelapseSite.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(1, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }
}
