package dev.cpdb.agent;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.cpdb.auth.Caller;
import dev.cpdb.problem.AccessDeniedException;

/**
 * The one place that decides who may change an agent's status, change a terminated agent, or delete an agent.
 *
 * <p>
 * Operators may make every change. For agents (of the same company; others never get this far, they get 404):
 *
 * <table>
 * <caption>Status changes agents may make</caption>
 * <tr>
 * <th>from → to</th>
 * <th>the agent itself</th>
 * <th>a colleague</th>
 * </tr>
 * <tr>
 * <td>active → paused</td>
 * <td>yes</td>
 * <td>yes</td>
 * </tr>
 * <tr>
 * <td>paused → active</td>
 * <td>no</td>
 * <td>yes</td>
 * </tr>
 * <tr>
 * <td>active or paused → terminated</td>
 * <td>yes</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>terminated → anything</td>
 * <td>no</td>
 * <td>no</td>
 * </tr>
 * </table>
 *
 * <p>
 * Termination is final for agents: they cannot change a terminated agent at all, so its keys (which stop working at
 * termination) cannot be brought back by a colleague; only an operator can reinstate it. A paused agent cannot resume
 * itself, or pausing would mean nothing. Ending a colleague (terminating or deleting it) is an operator's decision;
 * an agent may end only itself.
 */
public final class AgentLifecycle {

    /** Status changes an agent may make to itself. */
    private static final Map<AgentStatus, Set<AgentStatus>> SELF = new EnumMap<>(Map.of(
            AgentStatus.ACTIVE, EnumSet.of(AgentStatus.PAUSED, AgentStatus.TERMINATED),
            AgentStatus.PAUSED, EnumSet.of(AgentStatus.TERMINATED),
            AgentStatus.TERMINATED, EnumSet.noneOf(AgentStatus.class)));

    /** Status changes an agent may make to a colleague of its company. */
    private static final Map<AgentStatus, Set<AgentStatus>> COLLEAGUE = new EnumMap<>(Map.of(
            AgentStatus.ACTIVE, EnumSet.of(AgentStatus.PAUSED),
            AgentStatus.PAUSED, EnumSet.of(AgentStatus.ACTIVE),
            AgentStatus.TERMINATED, EnumSet.noneOf(AgentStatus.class)));

    private AgentLifecycle() {
    }

    /** Whether {@code caller} may move {@code agent} from its current status to {@code to}. */
    static boolean allows(Caller caller, Agent agent, AgentStatus to) {
        if (caller.isAdmin() || agent.status() == to) {
            return true;
        }
        Map<AgentStatus, Set<AgentStatus>> table = isSelf(caller, agent) ? SELF : COLLEAGUE;
        return table.get(agent.status()).contains(to);
    }

    /**
     * Checks a change of an existing agent: any change of a terminated agent, and the status change itself.
     *
     * @param to the status the change leaves the agent in (its current one when the status is not changed)
     * @throws AccessDeniedException saying which rule refuses the change
     */
    public static void checkChange(Caller caller, Agent agent, AgentStatus to) {
        if (caller.isAdmin()) {
            return;
        }
        if (agent.status() == AgentStatus.TERMINATED) {
            throw new AccessDeniedException("Agent " + agent.id() + " is terminated; termination is final for "
                    + "agents, only an operator can change or reinstate it");
        }
        if (!allows(caller, agent, to)) {
            throw new AccessDeniedException(refusal(isSelf(caller, agent), agent.status(), to, agent));
        }
    }

    /**
     * Checks deleting an agent: operators any, an agent only itself.
     *
     * @throws AccessDeniedException for an agent deleting a colleague
     */
    public static void checkDelete(Caller caller, Agent agent) {
        if (!caller.isAdmin() && !isSelf(caller, agent)) {
            throw new AccessDeniedException("Agents may not delete a colleague (agent " + agent.id() + "); ending "
                    + "another agent is for operators. Pause it instead (status paused)");
        }
    }

    private static String refusal(boolean self, AgentStatus from, AgentStatus to, Agent agent) {
        if (to == AgentStatus.TERMINATED) {
            return "Agents may not terminate a colleague (agent " + agent.id() + "); termination is final and "
                    + "for operators, or for the agent itself. Pause it instead (status paused)";
        }
        if (self && from == AgentStatus.PAUSED) {
            return "A paused agent cannot resume itself; a colleague or an operator sets it active again";
        }
        return "Agents may not move an agent from " + from.wire() + " to " + to.wire();
    }

    private static boolean isSelf(Caller caller, Agent agent) {
        return caller.agentId().map(agent.id()::equals).orElse(false);
    }
}
