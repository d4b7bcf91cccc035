package dev.cpdb.backup.store;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Asks S3 to encrypt every object the client writes (single puts and multipart uploads alike) with the configured
 * server-side encryption, so that no write path of the store can forget it.
 */
final class ServerSideEncryptionInterceptor implements ExecutionInterceptor {

    private final ServerSideEncryption sse;
    private final String kmsKeyId;

    /** @param kmsKeyId the KMS key for {@code aws:kms}, or null for the account's default key */
    ServerSideEncryptionInterceptor(ServerSideEncryption sse, String kmsKeyId) {
        this.sse = sse;
        this.kmsKeyId = kmsKeyId;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof PutObjectRequest put) {
            return put.toBuilder().serverSideEncryption(sse).ssekmsKeyId(kmsKeyId).build();
        }
        if (request instanceof CreateMultipartUploadRequest create) {
            return create.toBuilder().serverSideEncryption(sse).ssekmsKeyId(kmsKeyId).build();
        }
        return request;
    }
}
