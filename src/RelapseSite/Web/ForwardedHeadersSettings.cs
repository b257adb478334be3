using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RelapseSite.Web;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> we believe. Bound from
/// <c>ForwardedHeaders</c>: <c>KnownProxies</c> is a comma-separated list of IP addresses, <c>KnownNetworks</c> a
/// comma-separated list of CIDR ranges.
/// </summary>
public sealed partial class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    public string? KnownProxies { get; set; }

    public string? KnownNetworks { get; set; }

    public IReadOnlyList<IPAddress> Proxies => [.. Items(KnownProxies).Select(item => ParseAddress(item)!)];

    public IReadOnlyList<System.Net.IPNetwork> Networks => [.. Items(KnownNetworks).Select(item => ParseNetwork(item)!.Value)];

    internal static IEnumerable<string> Items(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// An IPv4 address in full dotted form, or an IPv6 address. <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// alone would read "10.1" as 10.0.0.1 and "300" as 0.0.1.44: a typo would trust the wrong machine.
    /// </summary>
    internal static IPAddress? ParseAddress(string text) =>
        (text.Contains(':', StringComparison.Ordinal) || DottedQuad().IsMatch(text)) && IPAddress.TryParse(text, out var address) ? address : null;

    /// <summary>
    /// A CIDR range written with its base address. <see cref="System.Net.IPNetwork.TryParse(string?, out System.Net.IPNetwork)"/>
    /// quietly reads "172.17.0.5/16" as 172.17.0.0/16; a trust list should not be wider than what was written.
    /// </summary>
    internal static System.Net.IPNetwork? ParseNetwork(string text) =>
        System.Net.IPNetwork.TryParse(text, out var network) && ParseAddress(text.Split('/')[0]) is { } written && network.BaseAddress.Equals(written)
            ? network
            : null;

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedQuad();
}

internal sealed class ForwardedHeadersSettingsValidator(IConfiguration configuration) : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        var failures = new List<string>();
        foreach (var key in new[] { nameof(options.KnownProxies), nameof(options.KnownNetworks) })
        {
            // A JSON array would bind to nothing and silently trust no proxy.
            if (configuration.GetSection($"{ForwardedHeadersSettings.Section}:{key}").GetChildren().Any())
            {
                failures.Add($"{ForwardedHeadersSettings.Section}:{key} must be one comma-separated string, not a list.");
            }
        }

        failures.AddRange(ForwardedHeadersSettings.Items(options.KnownProxies)
            .Where(item => ForwardedHeadersSettings.ParseAddress(item) is null)
            .Select(item => $"{ForwardedHeadersSettings.Section}:KnownProxies: '{item}' is not an IP address, such as 10.0.0.5 or fd00::5."));

        failures.AddRange(ForwardedHeadersSettings.Items(options.KnownNetworks)
            .Where(item => ForwardedHeadersSettings.ParseNetwork(item) is null)
            .Select(item => $"{ForwardedHeadersSettings.Section}:KnownNetworks: '{item}' is not a CIDR range with no host bits set, such as 10.0.0.0/8."));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
