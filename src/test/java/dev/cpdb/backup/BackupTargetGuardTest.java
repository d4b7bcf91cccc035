package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * What the mount table tells about a backup folder, from {@code /proc/self/mountinfo} lines in the form proc(5)
 * documents (mount id, parent id, device, root inside the file system, mount point, options, separator, type,
 * source, super options), as a container in a Kubernetes pod sees them.
 */
class BackupTargetGuardTest {

    static final String OVERLAY_ROOT = "30 1 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w";
    static final String EMPTY_DIR = "60 30 253:1 /var/lib/kubelet/pods/7f3e/volumes/kubernetes.io~empty-dir/cpdb-home "
            + "/var/lib/cpdb rw,relatime - ext4 /dev/sda1 rw";
    static final String MEMORY_EMPTY_DIR = "61 30 0:45 / /scratch rw,relatime - tmpfs tmpfs rw,size=65536k";
    static final String VOLUME = "62 30 253:2 / /backups rw,relatime - ext4 /dev/rbd0 rw";
    static final String NFS = "63 30 0:50 / /shared rw,relatime - nfs4 fileserver:/export rw,vers=4.1";
    static final List<String> POD = List.of(OVERLAY_ROOT, EMPTY_DIR, MEMORY_EMPTY_DIR, VOLUME, NFS);

    @Test
    void aFolderOnAnEmptyDirIsNotPersistent() {
        Optional<String> problem = BackupTargetGuard.volatileMount(Path.of("/var/lib/cpdb/instances/default/backups"),
                POD);

        assertTrue(problem.orElseThrow().contains("emptyDir"), problem.toString());
    }

    @Test
    void aFolderOnTmpfsIsNotPersistent() {
        Optional<String> problem = BackupTargetGuard.volatileMount(Path.of("/scratch/backups"), POD);

        assertTrue(problem.orElseThrow().contains("tmpfs"), problem.toString());
    }

    @Test
    void aFolderInTheContainersOwnFileSystemIsNotPersistent() {
        Optional<String> problem = BackupTargetGuard.volatileMount(Path.of("/opt/backups"), POD);

        assertTrue(problem.orElseThrow().contains("overlay"), problem.toString());
    }

    @Test
    void aMountedVolumeOrNetworkFileSystemPasses() {
        assertEquals(Optional.empty(), BackupTargetGuard.volatileMount(Path.of("/backups/cpdb"), POD));
        assertEquals(Optional.empty(), BackupTargetGuard.volatileMount(Path.of("/shared"), POD));
    }

    @Test
    void theLongestMountPointDecidesAndEscapedSpacesAreRead() {
        List<String> lines = List.of("1 0 8:1 / / rw - ext4 /dev/sda1 rw",
                "2 1 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw");

        assertTrue(BackupTargetGuard.volatileMount(Path.of("/mnt/with space/backups"), lines).isPresent());
        assertEquals(Optional.empty(), BackupTargetGuard.volatileMount(Path.of("/mnt/with"), lines));
    }

    @Test
    void aPathPrefixThatIsNotAWholeFolderNameDoesNotMatch() {
        // /scratchpad is not below the tmpfs on /scratch.
        assertEquals(Optional.empty(), BackupTargetGuard.volatileMount(Path.of("/scratchpad"),
                List.of("1 0 8:1 / / rw - ext4 /dev/sda1 rw", MEMORY_EMPTY_DIR)));
    }
}
