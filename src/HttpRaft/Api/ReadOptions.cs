using HttpRaft.AspNetCore;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>How much one client read may ask for (section <c>HttpRaft</c>): settings of this executable's read routes, not of the node.</summary>
internal sealed class ReadOptions
{
    /// <summary>The most entries one <c>GET /log</c> page may ask for (<c>limit</c>); more gets 400.</summary>
    public int MaxPageEntries { get; set; } = 1000;

    /// <summary>Concurrent long-polls (<c>GET /log?wait=</c>) a node serves; beyond it, 429 with Retry-After.</summary>
    public int MaxLongPolls { get; set; } = 1024;

    /// <summary>Registers the options, validated at start-up, and the long-poll slots they bound.</summary>
    public static IServiceCollection AddReadOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReadOptions>().Bind(configuration.GetSection(RaftHostOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReadOptions>, Validator>();
        services.AddSingleton<LongPollSlots>();
        return services;
    }

    /// <summary>Checks the read limits at start-up.</summary>
    internal sealed class Validator : IValidateOptions<ReadOptions>
    {
        public ValidateOptionsResult Validate(string? name, ReadOptions options)
        {
            if (options.MaxLongPolls < 1) return ValidateOptionsResult.Fail("MaxLongPolls must be at least 1");
            // A page is held in memory whole (within its 4 MiB byte cap); 100,000 small entries is already a lot.
            if (options.MaxPageEntries is < 1 or > 100_000) return ValidateOptionsResult.Fail("MaxPageEntries must be between 1 and 100000");
            return ValidateOptionsResult.Success;
        }
    }
}
