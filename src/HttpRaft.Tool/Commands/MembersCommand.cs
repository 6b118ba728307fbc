using System.CommandLine;
using HttpRaft.Client;

namespace HttpRaft.Tool.Commands;

/// <summary><c>members add|remove|promote</c>: membership changes, sent to the leader (they need an <c>admin</c> key when keys are on).</summary>
internal static class MembersCommand
{
    public static Command Create()
    {
        var command = new Command("members", "Change the membership: add, remove or promote a member (needs an admin key when the cluster has keys).");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Promote());
        return command;
    }

    private static Command Add()
    {
        var peer = new Option<string>("--peer") { Description = "The new member's peer address (host:port).", Required = true };
        var api = new Option<string>("--api") { Description = "The new member's client API address (host:port).", Required = true };
        var voter = new Option<bool>("--voter") { Description = "Promote it to voter once it has caught up (default: stay a learner)." };
        var command = new Command("add", "Add a member; it joins as a learner.") { peer, api, voter };
        command.SetRunner(async (context, cancellationToken) =>
        {
            var role = context.Parsed.GetValue(voter) ? MemberRole.Voter : MemberRole.Learner;
            var added = await context.Client.AddMemberAsync(context.Parsed.GetValue(peer)!, context.Parsed.GetValue(api)!, role, cancellationToken).ConfigureAwait(false);
            await ClusterCommand.PrintMemberAsync(context, added).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Remove()
    {
        var id = MemberId();
        var command = new Command("remove", "Remove a member, the leader too (it hands leadership over first); prints the membership once the removal has committed.") { id };
        command.SetRunner(async (context, cancellationToken) =>
        {
            var cluster = await context.Client.RemoveMemberAsync(context.Parsed.GetValue(id), cancellationToken).ConfigureAwait(false);
            await ClusterCommand.PrintAsync(context, cluster).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Promote()
    {
        var id = MemberId();
        var command = new Command("promote", "Promote a learner that has caught up to voter.") { id };
        command.SetRunner(async (context, cancellationToken) =>
        {
            var promoted = await context.Client.PromoteMemberAsync(context.Parsed.GetValue(id), cancellationToken).ConfigureAwait(false);
            await ClusterCommand.PrintMemberAsync(context, promoted).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Argument<int> MemberId()
    {
        var id = new Argument<int>("id") { Description = "The member's id (see 'httpraft cluster')." };
        id.Validators.Add(result =>
        {
            if (result.GetValue(id) < 0) result.AddError("A member id is 0 or more.");
        });
        return id;
    }
}
