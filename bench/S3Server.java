import java.net.URI;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server for the backup benchmark: S3Proxy over jclouds' in-memory blob store, so the objects it
 * receives live in this JVM's heap and never reach the disk. Listens on 127.0.0.1 only, checks AWS signatures against
 * one key pair, creates one bucket, prints "ready PORT" and serves until it is killed.
 *
 * <p>
 * Usage (single-file program, with the test classpath Maven writes to target/bench/test-classpath.txt):
 * {@code java -cp "$(cat target/bench/test-classpath.txt)" bench/S3Server.java PORT BUCKET ACCESS_KEY SECRET_KEY}
 */
public class S3Server {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: S3Server PORT BUCKET ACCESS_KEY SECRET_KEY");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        BlobStore blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class)
                .getBlobStore();
        blobs.createContainerInLocation(null, args[1]);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[2], args[3])
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        System.out.println("ready " + proxy.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
