namespace RelapseSite.Tests.Web;

/// <summary>The command line as an operator types it: the real app, as its own process.</summary>
public sealed class SiteCommandsTests
{
    [Theory]
    [InlineData("check_content")]
    [InlineData("outbox-status")]
    public async Task A_misspelt_command_is_refused_with_the_list_of_commands_instead_of_starting_the_site(string word)
    {
        var (exitCode, output) = await SiteProcess.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" }, word);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Unknown command '{word}'. The commands are: check-content, health-probe, outbox.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_argument_as_an_unset_variable_leaves_it_starts_the_site()
    {
        using var site = SiteProcess.Start(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" }, "");

        var line = await site.WaitForLineAsync(l => l.Contains("Now listening", StringComparison.Ordinal) || l.Contains("Unknown command", StringComparison.Ordinal));

        Assert.Contains("Now listening", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_given_on_the_command_line_is_not_taken_for_a_command()
    {
        // "key=value" is how the host takes a setting without dashes; the bad value proves the host read it.
        var (exitCode, output) = await SiteProcess.RunAsync(null, "Outbox:PollSeconds=abc");

        Assert.Equal(1, exitCode);
        Assert.Contains("Outbox:PollSeconds: 'abc' is not a number.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown command", output, StringComparison.Ordinal);
    }
}
