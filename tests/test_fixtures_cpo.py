"""The shared registered-CPO fixtures reach our API with their own identity."""


def test_a_registered_cpo_reads_our_credentials_and_sees_our_identity(cpo, other_cpo):
    for party in (cpo, other_cpo):
        response = party.call("GET", "credentials")
        assert response.status_code == 200
        assert response.json()["data"]["token"] == party.token
