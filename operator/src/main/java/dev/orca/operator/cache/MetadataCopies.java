package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.function.Supplier;

/**
 * Informers whose objects the operator only needs to know exist, whose they are (owner references, labels) and to
 * delete: each kept as its metadata alone. The writers' ServiceAccounts, Roles and RoleBindings are created once and
 * never compared again ({@code PerWriter}); the spec ConfigMap and the NetworkPolicy are compared by their desired-state
 * hash annotation ({@code DesiredStateHash}), and {@code Confinement} reads only the policy's name and owner.
 */
public abstract class MetadataCopies<R extends HasMetadata> extends ReadOnlyCopies<R> {

    protected MetadataCopies(Class<R> type, Supplier<R> empty) {
        super(type, object -> metadataOnly(object, empty));
    }

    /** A new object of the kind ({@code empty}) holding a copy of {@code object}'s metadata without managedFields. */
    public static <R extends HasMetadata> R metadataOnly(R object, Supplier<R> empty) {
        R kept = empty.get();
        kept.setMetadata(new ObjectMetaBuilder(object.getMetadata()).withManagedFields((List<ManagedFieldsEntry>) null).build());
        return kept;
    }

    public static final class ServiceAccounts extends MetadataCopies<ServiceAccount> {
        public ServiceAccounts() {
            super(ServiceAccount.class, ServiceAccount::new);
        }
    }

    public static final class Roles extends MetadataCopies<Role> {
        public Roles() {
            super(Role.class, Role::new);
        }
    }

    public static final class RoleBindings extends MetadataCopies<RoleBinding> {
        public RoleBindings() {
            super(RoleBinding.class, RoleBinding::new);
        }
    }

    public static final class ConfigMaps extends MetadataCopies<ConfigMap> {
        public ConfigMaps() {
            super(ConfigMap.class, ConfigMap::new);
        }
    }

    public static final class NetworkPolicies extends MetadataCopies<NetworkPolicy> {
        public NetworkPolicies() {
            super(NetworkPolicy.class, NetworkPolicy::new);
        }
    }
}
