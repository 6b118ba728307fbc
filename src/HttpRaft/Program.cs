using HttpRaft.Api;
using HttpRaft.AspNetCore;
using HttpRaft.Dashboard;
using HttpRaft.Infrastructure;
using HttpRaft.Security;
using HttpRaft.Startup;

// HttpRaft [id] [--config PATH]: one node of the cluster in peers.json, or a single-node cluster without it.
return await StartupGuard.RunAsync(args, async commandLine =>
{
    // No configuration file watcher: it watches the working directory, where the data directory's every write
    // would wake it (measured: a tenth of a core at full load). Settings are read once at start-up.
    var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. commandLine.HostArgs]);
    await builder.Configuration.AddClusterConfigurationAsync(commandLine, CancellationToken.None).ConfigureAwait(false);
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenOnRaftAddresses());

    builder.Services.AddHttpRaft(builder.Configuration.GetSection(RaftHostOptions.SectionName));
    // Test only, and absent unless HttpRaft__Faults__DiskFile is set: the fault-injection suite's slow or stalled disk.
    DiskFaultStorage.Register(builder.Services, builder.Configuration);
    builder.Services.AddClientAuthentication(builder.Configuration);
    builder.Services.AddNodeLogging();
    builder.Services.AddProblemResponses();
    builder.Services.AddClientApiDocs();
    ReadOptions.AddReadOptions(builder.Services, builder.Configuration);
    builder.Services.AddMetricsExport(builder.Configuration);
    builder.Services.AddDashboard();

    var app = builder.Build();
    StartupGuard.CheckBeforeStart(app.Services);

    app.UseNodeRequestLogging();
    app.UseProblemResponses();
    // Before Swagger and authentication: each port serves only its own routes, and a stranger learns nothing more.
    app.UseHttpRaftPortSeparation();
    app.UseClientApiDocs();
    // Before authentication, so a browser's preflight for another member's dashboard stream is answered, not challenged.
    app.UseCors();
    // After the problem responses, so a refusal is logged with its status; the schemes write their own problem bodies.
    app.UseAuthentication();
    app.UseAuthorization();

    app.MapHttpRaftPeers();
    app.MapRequestApi().RequireApiKey(app.Services);
    app.MapLogApi().RequireApiKey(app.Services);
    app.MapStatusApi().RequireApiKey(app.Services);
    app.MapClusterApi(app.Services);
    app.MapMetricsApi().RequireApiKey(app.Services);
    app.MapDashboardEvents().RequireApiKey(app.Services);
    app.MapDashboardPage();
    // Open to all, so load balancers and orchestrators can probe without a key.
    app.MapHealthApi();

    await app.RunAsync().ConfigureAwait(false);
}).ConfigureAwait(false);

/// <summary>The entry point; public and partial so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
