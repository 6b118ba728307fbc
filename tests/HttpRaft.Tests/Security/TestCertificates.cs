using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HttpRaft.Tests.Security;

/// <summary>
/// A throwaway certificate authority and a server certificate for 127.0.0.1/localhost signed by it, written to a
/// temporary directory as a PEM CA certificate and a password-protected PKCS#12 file, as an operator would hold them.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public const string Password = "test-pfx-password";

    private TestCertificates(string directory, X509Certificate2 ca)
    {
        Directory = directory;
        Ca = ca;
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public string CaPath => Path.Combine(Directory, "ca.pem");

    public string ServerPath => Path.Combine(Directory, "node.pfx");

    public static TestCertificates Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("httpraft-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=HttpRaft test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var signed = serverRequest.Create(ca, now.AddMinutes(-5), now.AddHours(12), [1, 2, 3, 4, 5, 6, 7, 8]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        File.WriteAllBytes(Path.Combine(directory, "node.pfx"), withKey.Export(X509ContentType.Pkcs12, Password));
        return new TestCertificates(directory, ca);
    }

    /// <summary>The settings that make a node serve its https:// addresses with the server certificate and trust <paramref name="caPath"/>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings(string? caPath = null) =>
    [
        new("HttpRaft:Tls:Certificate", ServerPath),
        new("HttpRaft:Tls:CertificatePassword", Password),
        new("HttpRaft:Tls:CaCertificate", caPath ?? CaPath),
    ];

    /// <summary>A client handler that trusts only this CA and does not follow redirects, like the cluster's own test client.</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Ca);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = policy },
        };
    }

    public void Dispose()
    {
        Ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
