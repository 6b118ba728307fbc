namespace HttpRaft.AspNetCore;

/// <summary>
/// The <c>tls</c> block of peers.json (section <c>HttpRaft:Tls</c>): the certificate this node serves its
/// <c>https://</c> addresses with, and the CA certificate its peers' certificates must chain to.
/// </summary>
public sealed class RaftTlsOptions
{
    /// <summary>This node's certificate: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>), or a PEM file with <see cref="CertificateKey"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="Certificate"/>, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/>.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>
    /// A CA certificate (PEM or DER) that peer certificates must chain to. Null: peers are checked against the
    /// operating system's trust store.
    /// </summary>
    public string? CaCertificate { get; set; }
}
