namespace HttpRaft.AspNetCore;

/// <summary>Checks the <c>tls</c> block against the addresses: an <c>https://</c> address needs a certificate, and named files must exist.</summary>
internal static class RaftTlsOptionsValidator
{
    public static string? Check(RaftTlsOptions tls, IEnumerable<string> addresses)
    {
        var https = addresses.Any(a => NodeAddress.TryParse(a, out var parsed) && parsed.Value.Https);
        if (https && string.IsNullOrWhiteSpace(tls.Certificate)) return "an https:// address needs a certificate (tls.certificate, or HttpRaft:Tls:Certificate)";
        return Missing("tls.certificate", tls.Certificate) ?? Missing("tls.certificateKey", tls.CertificateKey) ?? Missing("tls.caCertificate", tls.CaCertificate);
    }

    private static string? Missing(string key, string? path) =>
        path is not null && !File.Exists(path) ? $"{key}: file {path} not found" : null;
}
