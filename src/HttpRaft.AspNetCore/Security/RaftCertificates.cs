using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HttpRaft.AspNetCore.Security;

/// <summary>Loads the certificates of the <c>tls</c> block: the one this node serves, and the CA its peers must chain to.</summary>
public static class RaftCertificates
{
    /// <summary>This node's server certificate with its private key: PKCS#12, or PEM with a separate key file.</summary>
    public static X509Certificate2 LoadServerCertificate(RaftTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var path = tls.Certificate ?? throw new InvalidOperationException("HttpRaft:Tls:Certificate is not set.");
        if (tls.CertificateKey is { } key)
        {
            using var pem = tls.CertificatePassword is { } password
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, key)
                : X509Certificate2.CreateFromPemFile(path, key);
            // Re-imported so the key is usable by SslStream on every platform (ephemeral PEM keys are not on Windows).
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, tls.CertificatePassword);
    }

    /// <summary>
    /// How the peer client checks a peer's certificate: against <see cref="RaftTlsOptions.CaCertificate"/> alone
    /// when one is configured (a private cluster CA need not be in the system store), else the system store.
    /// </summary>
    public static SslClientAuthenticationOptions PeerClientOptions(RaftTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var options = new SslClientAuthenticationOptions();
        if (tls.CaCertificate is not { } caPath) return options;
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // A private CA publishes no revocation list; the cluster's certificates are short-lived instead.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(caPath));
        options.CertificateChainPolicy = policy;
        return options;
    }
}
